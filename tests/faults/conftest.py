"""Fixtures of the reliability suite: a PostgreSQL cluster of its own, real uvicorn app processes,
and the driver that seeds and inspects the cluster's database from another process.

Every wait is bounded in count and time; every process started here is killed in a finally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.faults.pgcluster import Cluster
from tests.live import AppProcess

ROOT = Path(__file__).resolve().parents[2]


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

    def server(self) -> AppProcess:
        """An app process on this database, in a process group of its own, its output in tmp."""
        return AppProcess(env=self.env, log=self.tmp / f"server-{uuid.uuid4().hex[:8]}.log", own_group=True)


@pytest.fixture
def fault_env(pg_cluster, tmp_path):
    """Server logs stay in pytest's tmp_path (the last few runs are kept) for a failure's post-mortem."""
    return FaultEnv(pg_cluster, tmp_path)


async def login(http: httpx.AsyncClient, username: str) -> None:
    """Log `http` in through the JSON API and set the CSRF header for its writes."""
    from tests.support import PASSWORD

    await http.get("/health")
    answer = await http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    token = http.cookies.get("csrftoken")
    assert token, "no CSRF cookie"
    http.headers["x-csrftoken"] = token
