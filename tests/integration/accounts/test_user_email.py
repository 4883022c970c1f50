"""A user's e-mail address: set by the admin API and the CLI, checked by the service and the database."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_cli import tracker
from tracker.accounts.tables import User
from tracker.audit.tables import AuditRecord
from tracker.db import transaction
from tracker.errors import Conflict

pytestmark = pytest.mark.asyncio


async def test_the_database_refuses_something_that_is_not_an_address(world):
    async with transaction():
        await User.update({User.email: "ops@tracker.example"}).where(User.id == world.users["inspector"])
        await User.update({User.email: None}).where(User.id == world.users["chief"])
    for bad in ["no-at-sign", "@tracker.example", "ops@"]:
        with pytest.raises(Conflict) as refused:
            async with transaction():
                await User.update({User.email: bad}).where(User.id == world.users["inspector"])
        assert "email_looks_like_address" in refused.value.detail
    rows = await User.select(User.email).where(User.id == world.users["inspector"])
    assert rows[0]["email"] == "ops@tracker.example"


async def test_admin_creates_and_changes_the_address(world, client_for):
    admin = await client_for("admin")
    created = await admin.post("/api/v1/users", json={
        "username": "inspector3", "display_name": "新监理", "password": "long-enough-1", "role": "inspector",
        "email": "inspector3@supervision.example"})
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "inspector3@supervision.example"

    bad = await admin.post("/api/v1/users", json={
        "username": "inspector4", "display_name": "x", "password": "long-enough-1", "role": "inspector",
        "email": "not an address"})
    assert bad.status_code == 400 and "email" in bad.text

    changed = await admin.patch(f"/api/v1/users/{user['id']}", json={"email": "new@supervision.example"})
    assert changed.status_code == 200 and changed.json()["email"] == "new@supervision.example"
    listed = {u["username"]: u["email"] for u in (await admin.get("/api/v1/users")).json()}
    assert listed["inspector3"] == "new@supervision.example" and listed["inspector"] is None
    removed = await admin.patch(f"/api/v1/users/{user['id']}", json={"email": None})
    assert removed.status_code == 200 and removed.json()["email"] is None

    assert (await admin.patch("/api/v1/users/9999", json={"email": "a@b.example"})).status_code == 404
    inspector = await client_for("inspector")
    refused = await inspector.patch(f"/api/v1/users/{world.users['inspector']}", json={"email": "me@x.example"})
    assert refused.status_code == 403

    # The append-only audit log says that the address changed, never what it is.
    changes = await AuditRecord.select(AuditRecord.payload).where(
        AuditRecord.action == "user.set_email", AuditRecord.entity_id == str(user["id"]))
    assert [json.loads(r["payload"]) for r in changes] == [{"has_email": True}, {"has_email": False}]
    assert not await AuditRecord.exists().where(AuditRecord.payload.like("%supervision.example%"))


async def test_cli_creates_a_user_with_an_address(world):
    code, output = await tracker("users", "create", "inspector5", "--role", "inspector", "--password", "long-enough-1",
                                 "--email", "inspector5@supervision.example")
    assert code == 0, output
    rows = await User.select(User.email).where(User.username == "inspector5")
    assert rows[0]["email"] == "inspector5@supervision.example"
    code, output = await tracker("users", "create", "inspector6", "--role", "inspector", "--password", "long-enough-1",
                                 "--email", "inspector6")
    assert code != 0 and "not an e-mail address" in output
    assert not await User.exists().where(User.username == "inspector6")
