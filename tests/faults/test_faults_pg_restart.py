"""PostgreSQL stopped and started under a serving app process: 503 with a problem body meanwhile, never a
500 nor a hang, and the same process serves again once the database is back."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.faults.conftest import login

pytestmark = pytest.mark.engines_only("postgres")

REQUEST_TIMEOUT_S = 10  # "not a hang": each answer within this bound
OUTAGE_REQUESTS = 45  # more than the pool's 20 connections: a leaked slot per failure would starve it
RECOVERY_TIMEOUT_S = 30


def _assert_unavailable_problem(answer: httpx.Response) -> None:
    assert answer.status_code == 503, (answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    assert answer.headers.get("retry-after", "").isdigit(), answer.headers
    body = answer.json()
    assert body["status"] == 503 and body["rule"] == "database_unavailable" and body["detail"], body


async def test_postgres_restart_gives_503_meanwhile_and_the_same_process_recovers(fault_env):
    fault_env.driver("prepare")
    server = fault_env.server()
    statuses: list[int] = []
    try:
        server.wait_ready(60)
        async with httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT_S) as http:
            await login(http, "admin")
            assert (await http.get("/api/v1/projects")).status_code == 200

            # Requests in flight while the server shuts down: connections are lost mid-query.
            async def hammer(stop: asyncio.Event) -> None:
                for _ in range(2000):
                    if stop.is_set():
                        return
                    answer = await http.get("/api/v1/projects")
                    statuses.append(answer.status_code)
                    if answer.status_code != 200:
                        _assert_unavailable_problem(answer)

            stop = asyncio.Event()
            hammers = [asyncio.create_task(hammer(stop)) for _ in range(4)]
            await asyncio.sleep(0.3)
            await asyncio.to_thread(fault_env.cluster.stop, "fast")
            await asyncio.sleep(0.3)
            stop.set()
            await asyncio.wait_for(asyncio.gather(*hammers), REQUEST_TIMEOUT_S * 2)

            # The database is down: the API, a page and the health check all say so, quickly.
            for _ in range(OUTAGE_REQUESTS // 3):
                started = time.monotonic()
                _assert_unavailable_problem(await http.get("/api/v1/projects"))
                _assert_unavailable_problem(await http.post("/api/v1/projects/1/buildings", json={"name": "X"}))
                page = await http.get("/projects", headers={"accept": "text/html"})
                assert page.status_code == 503 and "text/html" in page.headers["content-type"], page.text[:500]
                assert "数据库暂时无法访问" in page.text and page.headers.get("retry-after")
                assert time.monotonic() - started < REQUEST_TIMEOUT_S
            # As a monitor calls it: no cookies.
            health = httpx.get(f"{server.base}/health", timeout=REQUEST_TIMEOUT_S)
            assert health.status_code == 503 and health.json()["database"] == "unreachable", health.text
            assert health.headers["retry-after"].isdigit()

            await asyncio.to_thread(fault_env.cluster.start)
            deadline = time.monotonic() + RECOVERY_TIMEOUT_S
            recovered = None
            while time.monotonic() < deadline:
                answer = await http.get("/api/v1/projects")
                if answer.status_code == 200:
                    recovered = answer
                    break
                _assert_unavailable_problem(answer)
                await asyncio.sleep(0.2)
            assert recovered is not None, f"no 200 within {RECOVERY_TIMEOUT_S} s of the restart"
            assert {p["code"] for p in recovered.json()} >= {"P1", "P2"}
            # Every pooled connection works again: more parallel requests than the pool holds, and a write.
            answers = await asyncio.gather(*(http.get("/api/v1/projects") for _ in range(30)))
            assert [a.status_code for a in answers] == [200] * 30
            created = await http.post(f"/api/v1/projects/{recovered.json()[0]['id']}/buildings",
                                      json={"name": "重启后"})
            assert created.status_code == 201, created.text
            assert httpx.get(f"{server.base}/health", timeout=REQUEST_TIMEOUT_S).status_code == 200
        assert server.process.poll() is None, "the server process must have lived through the restart"
    finally:
        server.stop()
        if not fault_env.cluster.running():
            fault_env.cluster.start()
    assert 500 not in statuses and set(statuses) <= {200, 503}, statuses
    assert "unhandled error" not in server.log(), server.log()
