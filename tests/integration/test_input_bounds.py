"""No input gives a 500: ids and integers beyond 32 bits, NUL in any text, money and areas beyond their
columns, deeply nested JSON, and database data errors that slip past the schemas."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

from tests.integration.consultations.helpers import draft
from tests.integration.inspections.helpers import API, file_issue, issue_body, png, upload
from tests.support import ENGINE, PASSWORD
from tracker import db
from tracker.register.tables import Project
from tracker.web.errors import data_invalid
from tracker.web.inputs import MAX_JSON_DEPTH, json_depth_exceeds

pytestmark = pytest.mark.asyncio

HUGE = [2**31, 2**63 + 5, 2**70, 0, -1]


def problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize("value", HUGE)
async def test_ids_out_of_range_in_paths_are_404_naming_the_parameter(world, client_for, value):
    admin = await client_for("admin")
    for url, name in [
        (f"/api/v1/projects/{value}", "project_id"),
        (f"/api/v1/consultations/{value}/results", "consultation_id"),
        (f"/api/v1/documents/{value}/pdf", "document_id"),
        (f"{API}/issues/{value}", "issue_id"),
        (f"/api/v1/households/{value}/file", "household_id"),
    ]:
        body = problem(await admin.get(url), 404, name)
        assert str(value) in body["detail"]
    anonymous = await client_for(None)
    problem(await anonymous.get(f"/api/v1/public/consultations/{value}/results"), 404, "consultation_id")


async def test_ids_out_of_range_in_bodies_and_queries_are_refused(world, client_for):
    admin = await client_for("admin")
    household = {"certificate_no": "X-1", "holder_names": "赵六", "owner_id": "X1", "dwelling_ids": [2**31]}
    assert problem(await admin.post(f"/api/v1/projects/{world.project}/households", json=household), 400)[
        "field"] == "dwelling_ids[0]"
    user = {"username": "u1", "display_name": "U", "password": "long-enough-1", "role": "inspector",
            "project_ids": [2**63 + 1]}
    problem(await admin.post("/api/v1/users", json=user), 400, "project_ids[0]")
    problem(await admin.post(f"/api/v1/projects/{world.project}/members", json={"user_id": 2**70}), 400, "user_id")
    inspector = await client_for("inspector")
    problem(await inspector.post(f"{API}/projects/{world.project}/issues",
                                 json=issue_body(world, responsible_org_id=2**40)), 400, "responsible_org_id")
    problem(await admin.get(f"/api/v1/projects/{world.project}/households?offset={2**40}"), 422, "offset")
    problem(await admin.get(f"{API}/projects/{world.project}/issues?building_id={2**63}"), 400, "building_id")
    problem(await admin.get(f"/api/v1/audit/records?after_seq={2**70}"), 422, "after_seq")
    page = await admin.get(f"/projects/{world.project}/households?page={2**70}")
    assert page.status_code == 422 and "page" in page.text


async def test_nul_in_any_text_is_422_naming_the_field_and_uploads_keep_their_bytes(world, client_for):
    anonymous = await client_for(None)
    problem(await anonymous.post("/api/v1/auth/login", json={"username": "ad\x00min", "password": "x"}), 422,
            "username")
    problem(await anonymous.post("/api/v1/vote/lookup", json={"code": "AB\x00CD"}), 422, "code")
    problem(await anonymous.post("/api/v1/vote", json={"code": "AB", "choices": {"1": "agree"}, "x\x00": 1}), 422,
            "x")
    problem(await anonymous.get("/api/v1/verify/abc%00def"), 422, "token")
    login_page = await anonymous.post("/login", data={"username": "ad\x00min", "password": PASSWORD})
    assert login_page.status_code == 422 and "username" in login_page.text

    admin = await client_for("admin")
    problem(await admin.get(f"/api/v1/projects/{world.project}/households?q=%E5%BC%A0%00"), 422, "q")
    body = draft()
    body["items"][0]["description"] = "加装\x00电梯"
    problem(await admin.post(f"/api/v1/projects/{world.project}/consultations", json=body), 422,
            "items[0].description")

    inspector = await client_for("inspector")
    form = {"kind": "quality", "category": "leak_external_wall", "severity": "general",
            "description": "外墙\x00渗漏", "responsible_org_id": str(world.orgs["Builder Co"]),
            "deadline": "2030-01-01"}
    page = await inspector.post(f"/projects/{world.project}/inspections/issues/new", data=form,
                                files={"photos": ("a.png", png(), "image/png")})
    assert page.status_code == 422 and "description" in page.text
    # A file is bytes: NUL bytes in an upload are its content, not text.
    issue = await file_issue(inspector, world)
    image = png()
    assert b"\x00" in image
    assert (await upload(inspector, issue["id"], image)).status_code == 201


@pytest.mark.parametrize("cost, rule", [("1e400", "digits"), ("NaN", "finite"), ("Infinity", "finite"),
                                        ("-1", "minimum"), ("1.234", "digits"), ("1000000000000", "digits")])
async def test_money_beyond_its_column_is_422_naming_the_field(world, client_for, cost, rule):
    admin = await client_for("admin")
    body = draft()
    body["items"][0]["estimated_cost"] = cost
    refused = problem(await admin.post(f"/api/v1/projects/{world.project}/consultations", json=body), 422,
                      "estimated_cost")
    assert refused["rule"] == rule
    listed = await admin.get(f"/api/v1/projects/{world.project}/consultations")
    assert listed.status_code == 200 and listed.json() == []


async def test_money_and_area_at_their_limits_are_stored_exactly(world, client_for):
    admin = await client_for("admin")
    body = draft()
    body["items"][0]["estimated_cost"] = "999999999999.99"
    body["items"][0]["resident_share"] = "0.10"
    created = await admin.post(f"/api/v1/projects/{world.project}/consultations", json=body)
    assert created.status_code == 201, created.text
    item = (await admin.get(f"/api/v1/projects/{world.project}/consultations")).json()[0]["items"][0]
    assert (item["estimated_cost"], item["resident_share"]) == ("999999999999.99", "0.10")
    for area in ("1e400", "NaN", "0", "12.345"):
        problem(await admin.post(f"/api/v1/buildings/{world.building}/dwellings",
                                 json={"number": "9-9", "registered_area": area}), 422, "registered_area")


@pytest.mark.engines_only("sqlite")
async def test_a_cost_sqlite_stored_as_infinity_no_longer_breaks_the_list(world, client_for):
    """Before the schemas bounded money, SQLite kept 1e400 as an infinite REAL; the list failed for good."""
    admin = await client_for("admin")
    assert (await admin.post(f"/api/v1/projects/{world.project}/consultations", json=draft())).status_code == 201
    await db.engine().run_ddl("UPDATE consultation_item SET estimated_cost = 1e400, resident_share = 'NaN'")
    listed = await admin.get(f"/api/v1/projects/{world.project}/consultations")
    assert listed.status_code == 200, listed.text
    assert listed.json()[0]["items"][0]["estimated_cost"] is None
    from tracker.piccolo_migrations.tracker_2026_12_01t14_30_00_000000 import STATEMENTS

    for statement in STATEMENTS["sqlite"]:
        await db.engine().run_ddl(statement)
    rows = await db.engine().run_ddl("SELECT estimated_cost, resident_share FROM consultation_item")
    assert rows == [{"estimated_cost": None, "resident_share": None}]


async def test_deep_json_is_refused_before_decoding(world, client_for):
    anonymous = await client_for(None)
    for body in (b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        refused = problem(await anonymous.post("/api/v1/auth/login", content=body,
                                               headers={"content-type": "application/json"}), 422, "body")
        assert refused["rule"] == "json_depth"
    assert not json_depth_exceeds(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_depth_exceeds(b"[" * (MAX_JSON_DEPTH + 1))
    assert not json_depth_exceeds(b'["' + b"[" * 100 + b'\\"[[["]')  # brackets inside strings do not nest


async def test_database_data_errors_are_422_not_500(world):
    """The backstop for whatever the schemas miss, with the real engine's own exceptions."""
    if ENGINE == "postgres":
        E = asyncpg.exceptions
        cases = [
            ("SELECT 1e400::numeric(14, 2)", E.NumericValueOutOfRangeError, "too large"),
            ("INSERT INTO organisation (name, kind) VALUES (repeat('x', 500), 'owner')", E.StringDataRightTruncationError,
             "longer than its column"),
            ("SELECT 'abc'::integer", E.InvalidTextRepresentationError, "cannot be stored"),
            ("SELECT convert_from('\\x00'::bytea, 'UTF8')", E.CharacterNotInRepertoireError, "NUL"),
        ]
        for sql, kind, words in cases:
            with pytest.raises(kind) as raised:
                await db.engine().run_ddl(sql)
            refused = data_invalid(raised.value)
            assert refused.status_code == 422 and words in refused.detail, refused.detail
        with pytest.raises(asyncpg.exceptions.DataError) as raised:  # asyncpg refusing to encode the argument
            await Project.select().where(Project.id == 2**40)
        assert data_invalid(raised.value).status_code == 422
    else:
        with pytest.raises(OverflowError) as raised:
            await Project.select().where(Project.id == 2**70)
        refused = data_invalid(raised.value)
        assert refused.status_code == 422 and "too large" in refused.detail
        assert data_invalid(sqlite3.DataError("bad")).status_code == 422
