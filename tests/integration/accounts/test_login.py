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
