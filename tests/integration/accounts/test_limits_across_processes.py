"""The login limit holds across two real `tracker serve` processes, and their uvicorn does not believe
X-Forwarded-For on the app's behalf."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.accounts.helpers import login
from tests.live import serving
from tests.support import PASSWORD
from tracker.settings import get_settings



async def test_forty_wrong_passwords_over_two_processes_check_only_the_limit(world):
    limit = get_settings().login_max_failures
    async with serving(2, cli=True) as apps, httpx.AsyncClient(timeout=60) as client:
        bases = [app.base for app in apps]
        answers = await asyncio.gather(*(
            client.post(f"{bases[n % 2]}/api/v1/auth/login", json=login("staff", f"wrong-{n}"),
                        # uvicorn alone would take these from 127.0.0.1 as the client: each a new one.
                        headers={"x-forwarded-for": f"192.0.2.{n}"})
            for n in range(40)
        ))
        statuses = [a.status_code for a in answers]
        assert statuses.count(403) == limit, statuses
        assert statuses.count(429) == 40 - limit
        assert (await client.post(f"{bases[1]}/api/v1/auth/login", json=login("inspector", PASSWORD))).status_code == 200
