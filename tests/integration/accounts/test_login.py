"""Logging in and out, through JSON and through the login page."""

from tests.support import PASSWORD


async def test_json_login_sets_session_and_me_answers(world, client_for):
    client = await client_for("staff")
    me = (await client.get("/api/v1/auth/me")).json()
    assert me["username"] == "staff"
    assert me["role"] == "community_staff"
    assert me["project_ids"] == [world.project]


async def test_wrong_password_is_refused_without_saying_which_part(world, client_for):
    client = await client_for(None)
    bad_password = await client.post("/api/v1/auth/login", json={"username": "staff", "password": "nope"})
    unknown_user = await client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"})
    assert bad_password.status_code == unknown_user.status_code == 403
    assert bad_password.json()["detail"] == unknown_user.json()["detail"]
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_memberships_and_users_refer_only_to_existing_records(world, client_for):
    admin = await client_for("admin")
    unknown_user = await admin.post(f"/api/v1/projects/{world.project}/members", json={"user_id": 999999})
    assert unknown_user.status_code == 404 and unknown_user.json()["field"] == "user_id"
    unknown_project = await admin.post("/api/v1/projects/999999/members", json={"user_id": world.users["staff"]})
    assert unknown_project.status_code == 404 and unknown_project.json()["field"] == "project_ids"
    again = await admin.post(f"/api/v1/projects/{world.project}/members", json={"user_id": world.users["staff"]})
    assert again.status_code == 409
    added = await admin.post(f"/api/v1/projects/{world.other_project}/members", json={"user_id": world.users["staff"]})
    assert added.status_code == 201
    user = await admin.post("/api/v1/users", json={
        "username": "newbie", "display_name": "新人", "password": "long-enough-1", "role": "inspector",
        "project_ids": [world.project, 999999]})
    assert user.status_code == 404 and user.json()["field"] == "project_ids"


async def test_home_sends_each_user_to_their_start_page(world, client_for):
    """The home route receives the actor by dependency injection: staff get their home page, a resident is
    sent to theirs, nobody logged in may not pass."""
    resident = await client_for("resident")
    manager = await client_for("manager")
    anonymous = await client_for(None)
    assert (await resident.get("/", follow_redirects=False)).headers["location"] == "/my"
    home = await manager.get("/", follow_redirects=False)
    assert home.status_code == 200 and "梅园新村综合改造" in home.text
    assert (await anonymous.get("/", follow_redirects=False)).status_code in (302, 303, 401)


async def test_users_and_organisations_are_listed_with_their_links(world, client_for):
    """The admin lists answer every account with its organisation and household, and /me the actor's projects in order."""
    admin = await client_for("admin")
    users = {u["username"]: u for u in (await admin.get("/api/v1/users")).json()}
    resident = users["resident"]
    assert resident["role"] == "resident" and resident["household_id"] == world.households[0]
    assert resident["organisation_id"] is None and resident["active"] is True
    contractor = users["contractor"]
    organisations = {o["id"]: o for o in (await admin.get("/api/v1/organisations")).json()}
    assert organisations[contractor["organisation_id"]]["kind"] == "contractor"
    me = (await (await client_for("manager")).get("/api/v1/auth/me")).json()
    assert me["role"] == "project_manager" and me["project_ids"] == sorted(me["project_ids"]) and me["project_ids"]
