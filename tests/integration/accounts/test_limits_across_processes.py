"""The login limit holds across two real `tracker serve` processes, and their uvicorn does not believe
X-Forwarded-For on the app's behalf."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.accounts.helpers import login
from tests.support import PASSWORD
from tracker.settings import get_settings

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def _servers(count: int):
    ports = [_free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", "serve", "--no-demo", "--port", str(port)],
            cwd=ROOT, env={**os.environ, "SCHEDULER_ENABLED": "false"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        async with httpx.AsyncClient() as client:
            for port, process in zip(ports, processes):
                for _ in range(300):
                    if process.poll() is not None:
                        raise RuntimeError("tracker serve exited at start")
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError("tracker serve did not answer /health within 30 s")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


async def test_forty_wrong_passwords_over_two_processes_check_only_the_limit(world):
    limit = get_settings().login_max_failures
    async with _servers(2) as bases, httpx.AsyncClient(timeout=60) as client:
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
