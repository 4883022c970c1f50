"""The admin's pages: users, organisations, memberships, archiving and the defect catalogue, as an admin
uses them (forms posted as a browser posts them), and what each change does elsewhere."""

from __future__ import annotations

import re

from tests.support import PASSWORD, logged_in_client
from tracker.accounts.tables import Membership, Organisation, User, WebSession
from tracker.audit.tables import AuditRecord

HTML = {"accept": "text/html,application/xhtml+xml"}


async def _post(client, path: str, form: dict):
    return await client.post(path, data={"_csrf_token": client.cookies.get("csrftoken"), **form},
                             headers=HTML, follow_redirects=False)


async def _actions() -> list[str]:
    return [r["action"] for r in await AuditRecord.select(AuditRecord.action).order_by(AuditRecord.seq)]


async def test_only_the_admin_reaches_the_admin_pages(world, client_for):
    admin, manager = await client_for("admin"), await client_for("manager")
    for path in ("/admin", "/admin/users", "/admin/users/new", f"/admin/users/{world.users['staff']}",
                 "/admin/organisations", f"/admin/projects/{world.project}/members", "/admin/catalogue"):
        assert (await admin.get(path, headers=HTML)).status_code == 200, path
        assert (await manager.get(path, headers=HTML)).status_code == 403, path
    index = (await admin.get("/admin", headers=HTML)).text
    for link in ("/admin/users", "/admin/organisations", "/admin/catalogue", f"/admin/projects/{world.project}/members"):
        assert f'href="{link}"' in index


async def test_a_new_user_is_created_with_a_hashed_password_and_can_log_in(world, client_for, app):
    admin = await client_for("admin")
    page = (await admin.get("/admin/users/new", headers=HTML)).text
    # The role starts empty: nothing is guessed.
    assert re.search(r'<select name="role" required><option value="">', page)
    form = {"username": "wang.jl", "display_name": "王监理", "role": "", "organisation_id": "",
            "household_id": "", "project_ids": str(world.project), "email": "", "password": "s3cret-pass",
            "password_again": "s3cret-pass"}
    refused = await _post(admin, "/admin/users/new", form)
    assert refused.status_code == 422
    assert '<p class="field-error" id="role-error" role="alert">' in refused.text
    assert 'value="wang.jl"' in refused.text  # what was typed stays
    differ = await _post(admin, "/admin/users/new", {**form, "role": "inspector", "password_again": "other-pass"})
    assert differ.status_code == 422 and 'id="password_again-error"' in differ.text
    assert not await User.exists().where(User.username == "wang.jl")

    created = await _post(admin, "/admin/users/new", {**form, "role": "inspector"})
    assert created.status_code == 303, created.text[:300]
    user = (await User.select().where(User.username == "wang.jl"))[0]
    assert user["role"] == "inspector" and user["password_hash"].startswith("$argon2")
    assert await Membership.exists().where(Membership.user == user["id"], Membership.project == world.project)
    assert "user.create" in await _actions()
    client = await logged_in_client(app, None)
    login = await client.post("/api/v1/auth/login", json={"username": "wang.jl", "password": "s3cret-pass"})
    assert login.status_code == 200
    await client.__aexit__(None, None, None)


async def test_editing_a_user_changes_role_and_email_and_refuses_what_the_rules_refuse(world, client_for):
    admin = await client_for("admin")
    staff = world.users["staff"]
    done = await _post(admin, f"/admin/users/{staff}", {"display_name": "李社工", "role": "project_manager",
                                                        "organisation_id": "", "email": "li@example.cn"})
    assert done.status_code == 303
    row = (await User.select().where(User.id == staff))[0]
    assert (row["display_name"], row["role"], row["email"]) == ("李社工", "project_manager", "li@example.cn")
    # A contractor account needs its organisation; the message stands beside that field and nothing changes.
    refused = await _post(admin, f"/admin/users/{staff}", {"display_name": "李社工", "role": "contractor",
                                                           "organisation_id": "", "email": ""})
    assert refused.status_code == 422 and 'id="organisation_id-error"' in refused.text
    bad_mail = await _post(admin, f"/admin/users/{staff}", {"display_name": "李社工", "role": "finance",
                                                            "organisation_id": "", "email": "no address"})
    assert bad_mail.status_code == 422 and 'id="email-error"' in bad_mail.text
    assert (await User.select(User.role).where(User.id == staff))[0]["role"] == "project_manager"
    # A resident account stays one (it is made for its household).
    resident = await _post(admin, f"/admin/users/{world.users['resident']}", {
        "display_name": "张三", "role": "finance", "organisation_id": "", "email": ""})
    assert resident.status_code == 422 and 'id="role-error"' in resident.text
    # The admin cannot demote or deactivate themself (nobody would be left to undo it).
    own = await _post(admin, f"/admin/users/{world.users['admin']}", {
        "display_name": "Admin", "role": "finance", "organisation_id": "", "email": ""})
    assert own.status_code == 409
    assert (await User.select(User.role).where(User.id == world.users["admin"]))[0]["role"] == "admin"


async def test_deactivating_a_user_ends_their_sessions_and_logins(world, client_for, app):
    admin, inspector = await client_for("admin"), await client_for("inspector")
    other_session = await client_for("inspector")
    assert (await inspector.get("/api/v1/auth/me")).status_code == 200
    before = await WebSession.count()
    empty = await _post(admin, f"/admin/users/{world.users['inspector']}/active", {"active": "false"})
    assert empty.status_code == 422  # without its confirmation a POST changes nothing
    assert (await inspector.get("/api/v1/auth/me")).status_code == 200

    done = await _post(admin, f"/admin/users/{world.users['inspector']}/active", {"confirm": "yes", "active": "false"})
    assert done.status_code == 303
    assert await WebSession.count() == before - 2  # both of the inspector's sessions, no one else's
    assert (await inspector.get("/api/v1/auth/me")).status_code == 401
    assert (await other_session.get("/api/v1/auth/me")).status_code == 401
    assert (await admin.get("/api/v1/auth/me")).status_code == 200
    client = await logged_in_client(app, None)
    login = await client.post("/api/v1/auth/login", json={"username": "inspector", "password": PASSWORD})
    assert login.status_code == 403
    await client.__aexit__(None, None, None)
    assert "user.deactivate" in await _actions()
    again = await _post(admin, f"/admin/users/{world.users['inspector']}/active", {"confirm": "yes", "active": "true"})
    assert again.status_code == 303
    assert (await User.select(User.active).where(User.id == world.users["inspector"]))[0]["active"] is True


async def test_a_password_reset_shows_a_one_time_password_once(world, client_for, app):
    admin, finance = await client_for("admin"), await client_for("finance")
    answer = await _post(admin, f"/admin/users/{world.users['finance']}/password", {"confirm": "yes"})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", answer.text).group(1)
    assert len(password) >= 12
    assert password not in (await admin.get(f"/admin/users/{world.users['finance']}", headers=HTML)).text
    assert (await finance.get("/api/v1/auth/me")).status_code == 401  # the old session is gone
    client = await logged_in_client(app, None)
    old = await client.post("/api/v1/auth/login", json={"username": "finance", "password": PASSWORD})
    assert old.status_code == 403
    new = await client.post("/api/v1/auth/login", json={"username": "finance", "password": password})
    assert new.status_code == 200
    await client.__aexit__(None, None, None)
    stored = (await User.select(User.password_hash).where(User.id == world.users["finance"]))[0]["password_hash"]
    assert password not in stored and stored.startswith("$argon2")
    records = await AuditRecord.select(AuditRecord.payload).where(AuditRecord.action == "user.reset_password")
    assert records and password not in str(records)


async def test_organisations_start_with_an_empty_kind(world, client_for):
    admin = await client_for("admin")
    page = (await admin.get("/admin/organisations", headers=HTML)).text
    assert re.search(r'<select name="kind" required><option value="">', page)
    refused = await _post(admin, "/admin/organisations", {"name": "浦东质监站", "kind": ""})
    assert refused.status_code == 422 and 'id="kind-error"' in refused.text
    taken = await _post(admin, "/admin/organisations", {"name": "Builder Co", "kind": "contractor"})
    assert taken.status_code == 409 and 'id="name-error"' in taken.text
    done = await _post(admin, "/admin/organisations", {"name": "浦东质监站", "kind": "quality_station"})
    assert done.status_code == 303
    assert (await Organisation.select(Organisation.kind).where(Organisation.name == "浦东质监站"))[0]["kind"] == \
        "quality_station"


async def test_members_are_added_and_removed(world, client_for):
    admin = await client_for("admin")
    outsider = world.users["outsider"]
    page = f"/admin/projects/{world.project}/members"
    assert (await _post(admin, page, {"user_id": ""})).status_code == 422
    assert (await _post(admin, page, {"user_id": str(outsider)})).status_code == 303
    assert await Membership.exists().where(Membership.user == outsider, Membership.project == world.project)
    twice = await _post(admin, page, {"user_id": str(outsider)})
    assert twice.status_code == 409 and 'id="user_id-error"' in twice.text
    removed = await _post(admin, f"{page}/{outsider}/remove", {"confirm": "yes"})
    assert removed.status_code == 303
    assert not await Membership.exists().where(Membership.user == outsider, Membership.project == world.project)
    assert {"membership.add", "membership.remove"} <= set(await _actions())


async def test_an_archived_project_is_read_only(world, client_for):
    admin, staff = await client_for("admin"), await client_for("staff")
    household = world.households[0]
    archived = await _post(admin, f"/admin/projects/{world.project}/archive", {"confirm": "yes", "archived": "true"})
    assert archived.status_code == 303
    assert "project.archive" in await _actions()
    # Reads go on; writes are refused by the register's services (API and pages) and by the membership guard.
    assert (await staff.get(f"/households/{household}", headers=HTML)).status_code == 200
    api = await admin.post(f"/api/v1/projects/{world.project}/buildings", json={"name": "9号楼"})
    assert api.status_code == 409 and api.json()["rule"] == "project_archived"
    strategy = await _post(staff, f"/households/{household}/strategy", {"strategy": "先安置"})
    assert strategy.status_code == 409
    entry = await staff.post(f"/api/v1/households/{household}/file", json={
        "kind": "call", "occurred_on": "2026-01-05", "summary": "电话"})
    assert entry.status_code == 409 and entry.json()["rule"] == "project_archived"
    report = await (await client_for("resident")).post(
        f"/api/v1/inspections/projects/{world.project}/reports", json={"description": "渗水"})
    assert report.status_code == 409
    # The other project is untouched, and reopening makes this one writable again.
    other = await admin.post(f"/api/v1/projects/{world.other_project}/buildings", json={"name": "9号楼"})
    assert other.status_code == 201
    await _post(admin, f"/admin/projects/{world.project}/archive", {"confirm": "yes", "archived": "false"})
    assert (await admin.post(f"/api/v1/projects/{world.project}/buildings", json={"name": "9号楼"})).status_code == 201


async def test_the_catalogue_adds_renames_and_retires_entries_and_issues_keep_theirs(world, client_for):
    from inspections.tables import DefectCategory
    from tests.integration.inspections.helpers import file_issue

    admin, inspector = await client_for("admin"), await client_for("inspector")
    page = (await admin.get("/admin/catalogue", headers=HTML)).text
    assert "hollowing" in page
    refused = await _post(admin, "/admin/catalogue", {"code": "gutter_loose", "name": "落水管松动", "kind": "",
                                                      "position": "0"})
    assert refused.status_code == 422 and 'id="kind-error"' in refused.text
    added = await _post(admin, "/admin/catalogue", {"code": "gutter_loose", "name": "落水管松动", "kind": "quality",
                                                    "position": "99"})
    assert added.status_code == 303
    issue = await file_issue(inspector, world, category="gutter_loose")
    renamed = await _post(admin, "/admin/catalogue", {"code": "gutter_loose", "name": "落水管脱落", "kind": "quality",
                                                      "position": "99", "active": "false"})
    assert renamed.status_code == 303
    row = (await DefectCategory.select().where(DefectCategory.code == "gutter_loose"))[0]
    assert (row["name"], row["active"]) == ("落水管脱落", False)
    # The issue keeps its entry; a new issue cannot choose the retired one.
    shown = await inspector.get(f"/api/v1/inspections/issues/{issue['id']}")
    assert shown.status_code == 200 and "gutter_loose" in shown.text
    again = await inspector.post(f"/api/v1/inspections/projects/{world.project}/issues", json={
        "kind": "quality", "category": "gutter_loose", "severity": "general", "description": "x",
        "responsible_org_id": world.orgs["Builder Co"], "deadline": "2099-01-01"})
    assert again.status_code in (400, 422)
