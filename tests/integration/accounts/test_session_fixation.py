"""Session ids come only from the server: a planted id is never adopted, login and logout replace the id,
and the CSRF token belongs to one session."""

import datetime as dt
import hashlib

from tests.integration.accounts.helpers import client_at, login
from tests.support import PASSWORD
from tracker.accounts.sessions import COOKIE
from tracker.accounts.tables import WebSession
from tracker.settings import get_settings

PLANTED = "a" * 64  # shaped like a real id, but never issued


def _stored(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def _keys() -> set[str]:
    return {r["key"] for r in await WebSession.select(WebSession.key)}


async def test_a_made_up_session_id_is_not_adopted_at_login(world, app):
    async with client_at(app) as victim:
        victim.cookies.set(COOKIE, PLANTED, domain="testserver.local")
        answer = await victim.post("/api/v1/auth/login", json=login("staff", PASSWORD))
        assert answer.status_code == 200, answer.text
        issued = victim.cookies[COOKIE]
        assert issued != PLANTED and len(issued) == 64
        assert await _keys() == {_stored(issued)}
    async with client_at(app) as attacker:
        attacker.cookies.set(COOKIE, PLANTED, domain="testserver.local")
        assert (await attacker.get("/api/v1/auth/me")).status_code == 401
    async with client_at(app) as other:
        other.cookies.set(COOKIE, "not-even-hex", domain="testserver.local")
        refused = await other.get("/api/v1/auth/me")
        assert refused.status_code == 401
        assert f"{COOKIE}=" in refused.headers.get("set-cookie", "")  # the stray cookie is expired
        assert other.cookies.get(COOKIE) is None


async def test_the_id_changes_at_login_and_logout_and_old_ids_stop_working(world, app):
    async with client_at(app) as client:
        await client.post("/api/v1/auth/login", json=login("staff", PASSWORD))
        first = client.cookies[COOKIE]
        # Logging in again (as someone else) from a live session replaces it.
        await client.post("/api/v1/auth/login", json=login("inspector", PASSWORD))
        second = client.cookies[COOKIE]
        assert second != first
        assert await _keys() == {_stored(second)}
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        out = await client.post("/api/v1/auth/logout")
        assert out.status_code == 200, out.text
        assert await _keys() == set()
        assert client.cookies.get(COOKIE) is None
    for old in (first, second):
        async with client_at(app) as replay:
            replay.cookies.set(COOKIE, old, domain="testserver.local")
            assert (await replay.get("/api/v1/auth/me")).status_code == 401


async def test_the_page_login_and_logout_replace_the_id_too(world, app):
    async with client_at(app) as client:
        form = await client.get("/login")
        token = client.cookies["csrftoken"]
        assert f'value="{token}"' in form.text
        client.cookies.set(COOKIE, PLANTED, domain="testserver.local")
        answer = await client.post("/login", data={"username": "staff", "password": PASSWORD, "next": "/",
                                                   "_csrf_token": token}, follow_redirects=False)
        assert answer.status_code in (302, 303), answer.text
        issued = client.cookies[COOKIE]
        assert issued != PLANTED and await _keys() == {_stored(issued)}
        renewed = client.cookies["csrftoken"]
        assert renewed != token
        out = await client.post("/logout", data={"_csrf_token": renewed}, follow_redirects=False)
        assert out.status_code in (302, 303), out.text
        assert await _keys() == set()
        assert client.cookies["csrftoken"] not in (token, renewed)


async def test_a_session_is_renewed_only_when_less_than_half_its_life_is_left(world, client_for):
    staff = await client_for("staff")
    key = _stored(staff.cookies[COOKIE])
    fresh = (await WebSession.select(WebSession.expires_at).where(WebSession.key == key))[0]["expires_at"]
    life = dt.timedelta(seconds=get_settings().session_max_age)
    for aged, renews in ((fresh - dt.timedelta(minutes=10), False), (fresh - life / 2 - dt.timedelta(minutes=10), True)):
        await WebSession.update({WebSession.expires_at: aged}).where(WebSession.key == key)
        answer = await staff.get("/api/v1/auth/me")
        assert answer.status_code == 200 and (COOKIE in answer.headers.get("set-cookie", "")) is renews
        now = (await WebSession.select(WebSession.expires_at).where(WebSession.key == key))[0]["expires_at"]
        assert (now > fresh - dt.timedelta(seconds=5)) if renews else now == aged


async def test_a_csrf_token_is_good_for_its_own_session_only(world, app, client_for):
    staff = await client_for("staff")
    inspector = await client_for("inspector")
    path = f"/api/v1/households/{world.households[0]}/strategy"
    own = await staff.put(path, json={"strategy": "上门沟通"})
    assert own.status_code == 200, own.text
    staff.headers["x-csrftoken"] = inspector.headers["x-csrftoken"]
    stolen = await staff.put(path, json={"strategy": "x"})
    assert stolen.status_code == 403 and "CSRF" in stolen.json()["detail"]
    # A token minted for an anonymous visitor is no good once logged in either.
    async with client_at(app) as anonymous:
        await anonymous.get("/health")
        staff.headers["x-csrftoken"] = anonymous.cookies["csrftoken"]
    assert (await staff.put(path, json={"strategy": "x"})).status_code == 403


async def test_the_anonymous_login_form_needs_its_token_and_the_voting_api_does_not(world, app):
    async with client_at(app) as client:
        await client.get("/login")
        refused = await client.post("/login", data={"username": "staff", "password": PASSWORD})
        assert refused.status_code == 403
        forged = await client.post("/login", data={"username": "staff", "password": PASSWORD,
                                                   "_csrf_token": "0" * 32 + "." + "0" * 64})
        assert forged.status_code == 403
        ballot = await client.post("/api/v1/vote", json={"code": "ABCD-EFGH-JKLM", "choices": {}})
        assert ballot.status_code != 403 or ballot.json().get("rule") == "voting_code", ballot.text


async def test_the_json_login_refuses_other_bodies_with_415(world, app):
    async with client_at(app) as client:
        form = await client.post("/api/v1/auth/login", data={"username": "staff", "password": PASSWORD})
        text = await client.post("/api/v1/auth/login", content=f'{{"username": "staff", "password": "{PASSWORD}"}}',
                                 headers={"content-type": "text/plain"})
        for answer in (form, text):
            assert answer.status_code == 415, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["rule"] == "json_body"
        assert COOKIE not in client.cookies
        assert await _keys() == set()
