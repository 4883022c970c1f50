"""Fixtures of the reliability suite: a PostgreSQL cluster of its own, real uvicorn app processes,
and the driver that seeds and inspects the cluster's database from another process.

Every wait is bounded in count and time; every process started here is killed in a finally.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.faults.pgcluster import Cluster, free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = Cluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


class FaultEnv:
    """One fresh database in the fault cluster and the environment that points a process at it."""

    def __init__(self, cluster: Cluster, tmp: Path) -> None:
        self.cluster = cluster
        self.database = f"faults_{uuid.uuid4().hex[:10]}"
        self.url = cluster.createdb(self.database)
        self.tmp = tmp
        self.env = {
            **os.environ, "DATABASE_URL": self.url, "TRACKER_VAR_DIR": str(tmp), "PICCOLO_CONF": "piccolo_conf",
            "SCHEDULER_ENABLED": "false", "SECRET_KEY": "fault-tests-secret-key",
        }

    def driver(self, *args: str, timeout: float = 180) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.faults.driver", *args], cwd=ROOT, env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"driver {args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    def server(self) -> Server:
        return Server(self.env, self.tmp)


@pytest.fixture
def fault_env(pg_cluster, tmp_path):
    """Server logs stay in pytest's tmp_path (the last few runs are kept) for a failure's post-mortem."""
    return FaultEnv(pg_cluster, tmp_path)


class Server:
    """One uvicorn process of the app on a free loopback port, in its own process group."""

    def __init__(self, env: dict, tmp: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "tracker.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning", "--no-access-log"],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server on port {self.port} not ready in {STARTUP_TIMEOUT_S} s:\n{self.log()}")

    def kill9(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> None:
        """Stop it (and anything it started in its group), however it is doing."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:
            os.killpg(self.pid, signal.SIGKILL)  # PDF workers and the like left in its group
        except ProcessLookupError:
            pass


async def login(http: httpx.AsyncClient, username: str) -> None:
    """Log `http` in through the JSON API and set the CSRF header for its writes."""
    from tests.support import PASSWORD

    await http.get("/health")
    answer = await http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    token = http.cookies.get("csrftoken")
    assert token, "no CSRF cookie"
    http.headers["x-csrftoken"] = token
