"""Login and voting-code limits: counted before the check, so parallel requests cannot slip past them;
a lockout is per user name and client; the client address is the one trusted proxies vouch for."""

import asyncio
import datetime as dt

import pytest

from tests.integration.accounts.helpers import client_at, login, settings_env
from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tests.support import PASSWORD
from tracker.accounts.jobs import purge_expired
from tracker.accounts.tables import RateCounter
from tracker.consultations import services
from tracker.settings import get_settings, parse_trusted_proxies
from tracker.web.auth import client_address


def _statuses(answers) -> list[int]:
    return [a.status_code for a in answers]


async def test_forty_parallel_wrong_passwords_check_at_most_the_limit(world, app):
    limit = get_settings().login_max_failures
    async with client_at(app, "198.51.100.7") as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/auth/login", json=login("staff", f"wrong-{n}")) for n in range(40))
        )
    statuses = _statuses(answers)
    # A 403 is a password that was checked; every other attempt was refused before the hash ran.
    assert statuses.count(403) == limit, statuses
    assert statuses.count(429) == 40 - limit
    assert {a.json()["rule"] for a in answers if a.status_code == 429} == {"login_rate_limit"}
    hits = {r["key"].split(":")[0]: r["hits"] for r in await RateCounter.select(RateCounter.key, RateCounter.hits)}
    assert hits == {"login": 40, "login-client": 40}


async def test_a_locked_out_name_still_logs_in_with_the_right_password_elsewhere(world, app):
    limit = get_settings().login_max_failures
    async with client_at(app, "198.51.100.7") as attacker:
        for n in range(limit):
            assert (await attacker.post("/api/v1/auth/login", json=login("staff", f"x{n}"))).status_code == 403
        locked = await attacker.post("/api/v1/auth/login", json=login("staff", PASSWORD))
        assert locked.status_code == 429 and locked.json()["rule"] == "login_rate_limit"
        # The same client may still log in as someone else it has not failed for.
        assert (await attacker.post("/api/v1/auth/login", json=login("inspector", PASSWORD))).status_code == 200
    async with client_at(app, "203.0.113.20") as owner:
        assert (await owner.post("/api/v1/auth/login", json=login("staff", PASSWORD))).status_code == 200
        # A success clears that client's failures for the name: it has its whole allowance again.
        for n in range(limit - 1):
            await owner.post("/api/v1/auth/login", json=login("staff", f"y{n}"))
        assert (await owner.post("/api/v1/auth/login", json=login("staff", PASSWORD))).status_code == 200


async def test_one_client_has_a_ceiling_over_every_name_it_tries(world, app):
    with settings_env(LOGIN_CLIENT_MAX_ATTEMPTS="6"):
        async with client_at(app, "198.51.100.9") as sprayer:
            for name in ("staff", "inspector", "chief", "manager", "finance", "admin"):
                assert (await sprayer.post("/api/v1/auth/login", json=login(name, "guess"))).status_code == 403
            capped = await sprayer.post("/api/v1/auth/login", json=login("contractor", PASSWORD))
            assert capped.status_code == 429 and capped.json()["rule"] == "login_client_limit"
        async with client_at(app, "198.51.100.10") as neighbour:
            assert (await neighbour.post("/api/v1/auth/login", json=login("contractor", PASSWORD))).status_code == 200


async def test_forwarded_for_is_ignored_from_an_untrusted_peer(world, app):
    limit = get_settings().login_max_failures
    async with client_at(app, "198.51.100.7") as client:
        answers = [
            await client.post("/api/v1/auth/login", json=login("staff", "nope"),
                              headers={"x-forwarded-for": f"10.9.8.{n}"})
            for n in range(limit + 1)
        ]
    assert _statuses(answers) == [403] * limit + [429]


async def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(world, app):
    limit = get_settings().login_max_failures
    with settings_env(TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8"):
        async with client_at(app, "127.0.0.1") as proxy:
            # The client writes whatever it likes on the left; the proxies append what they saw.
            answers = [
                await proxy.post("/api/v1/auth/login", json=login("staff", "nope"),
                                 headers={"x-forwarded-for": f"192.0.2.{n}, 203.0.113.5, 10.1.2.3"})
                for n in range(limit + 1)
            ]
            assert _statuses(answers) == [403] * limit + [429]
            other = await proxy.post("/api/v1/auth/login", json=login("staff", PASSWORD),
                                     headers={"x-forwarded-for": "203.0.113.6"})
            assert other.status_code == 200
        scope = {"client": ("127.0.0.1", 1), "headers": [(b"x-forwarded-for", b"1.1.1.1, 2001:db8::7"),
                                                          (b"x-forwarded-for", b"10.0.0.9")]}
        assert client_address(scope) == "2001:db8::7"
        assert client_address({"client": ("127.0.0.1", 1), "headers": [(b"x-forwarded-for", b"junk, 10.0.0.9")]}) \
            == "10.0.0.9"
        assert client_address({"client": ("198.51.100.1", 1), "headers": [(b"x-forwarded-for", b"1.1.1.1")]}) \
            == "198.51.100.1"


async def test_parallel_wrong_voting_codes_are_checked_at_most_up_to_the_limit(world, app, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, [{"cert": f"V{n}", "area": "60", "owner": f"v{n}"} for n in range(3)])
    c = await open_consultation(manager, world.project, draft(items=1, scope="building", building_id=building_id))
    codes = [letter["code"] for letter in await services.voting_letters(c["id"])]
    choices = {str(c["items"][0]["id"]): "agree"}
    limit = get_settings().vote_code_max_failures
    async with client_at(app, "198.51.100.30") as guesser:
        answers = await asyncio.gather(*(
            guesser.post("/api/v1/vote", json={"code": f"AAAA-BBBB-{n:04d}", "choices": choices}) for n in range(60)
        ))
        statuses = _statuses(answers)
        assert statuses.count(403) == limit, statuses
        assert statuses.count(429) == 60 - limit
        assert (await guesser.post("/api/v1/vote", json={"code": codes[0], "choices": choices})).status_code == 429
    async with client_at(app, "198.51.100.31") as voter:
        # Valid codes count nothing: a household voting several titles is never limited.
        for _ in range(3):
            for code in codes:
                assert (await voter.post("/api/v1/vote/lookup", json={"code": code})).status_code == 200
        assert (await voter.post("/api/v1/vote", json={"code": codes[1], "choices": choices})).status_code == 201
        for n in range(limit):
            assert (await voter.post("/api/v1/vote/lookup", json={"code": f"ZZZZ-{n:04d}"})).status_code == 403
        assert (await voter.post("/api/v1/vote/lookup", json={"code": codes[2]})).status_code == 429


async def test_old_counters_are_purged_and_a_bad_proxy_setting_stops_the_start(world):
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    await RateCounter.insert(
        RateCounter(key="login:old", window_start=now - dt.timedelta(days=2), hits=3),
        RateCounter(key="login:live", window_start=now - dt.timedelta(minutes=5), hits=1),
    )
    assert (await purge_expired(now))["rate_counters"] == 1
    assert [r["key"] for r in await RateCounter.select(RateCounter.key)] == ["login:live"]
    assert [str(n) for n in parse_trusted_proxies("127.0.0.1, 10.0.0.0/8 2001:db8::/32")] == [
        "127.0.0.1/32", "10.0.0.0/8", "2001:db8::/32"]
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_trusted_proxies("nginx.local")
