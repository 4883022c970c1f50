"""Anonymous requests leave no session behind; logging in keeps one and logging out ends it; an
unchanged session is not written again on every request."""

from tests.support import PASSWORD
from tracker.accounts.tables import WebSession


async def test_anonymous_requests_store_no_session_and_set_no_cookie(world, client_for):
    anon = await client_for(None)
    before = await WebSession.count()
    for answer in (
        await anon.get("/health"),
        await anon.post("/api/v1/vote", json={"code": "ABCD-EFGH-JKLM", "choices": {}}),
        await anon.get("/login"),
    ):
        assert "tracker_session" not in answer.headers.get("set-cookie", ""), answer.request.url
    assert await WebSession.count() == before


async def test_login_keeps_a_session_and_logout_ends_it(world, client_for):
    client = await client_for(None)
    before = await WebSession.count()
    login = await client.post("/api/v1/auth/login", json={"username": "staff", "password": PASSWORD})
    assert login.status_code in (200, 201), login.text
    assert "tracker_session=" in login.headers.get("set-cookie", "")
    assert await WebSession.count() == before + 1
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token, new at login
    out = await client.post("/api/v1/auth/logout")
    assert out.status_code in (200, 204), out.text
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_an_unchanged_session_is_not_rewritten_on_every_request(world, client_for):
    staff = await client_for("staff")
    before = (await WebSession.select(WebSession.expires_at))[0]["expires_at"]
    for _ in range(3):
        answer = await staff.get("/api/v1/auth/me")
        assert answer.status_code == 200 and "tracker_session" not in answer.headers.get("set-cookie", "")
    assert (await WebSession.select(WebSession.expires_at))[0]["expires_at"] == before
