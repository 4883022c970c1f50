"""What the benchmarks that drive real app processes share (selection.py, vote_storm.py): the
environment they run in, a fresh database with one project, one building and its households in bulk,
the id sequences after a bulk load, and the uvicorn processes themselves (started, waited for, stopped).

Imported by the bench scripts as `app_runs` (they run with bench/ on sys.path, like `tally`).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(url: str) -> dict[str, str]:
    """Point this process and the apps it starts at `url`, with a throwaway var dir and no scheduler."""
    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = {**os.environ, "TRACKER_VAR_DIR": str(var_dir), "DATABASE_URL": url, "PICCOLO_CONF": "piccolo_conf",
           "SCHEDULER_ENABLED": "false", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret")}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    return env


async def fresh_project(project_in, count: int, dwelling_columns: list[str], dwelling_rows) -> tuple:
    """Start the database afresh, create the project and its one building, then bulk-load `count`
    dwellings (`dwelling_rows(project_id, building_id)` in `dwelling_columns`) and as many households."""
    from tally import _bulk

    from tests.support import prepare_database
    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.register import services as register
    from tracker.register.schemas import BuildingIn
    from tracker.register.tables import Dwelling, Household

    await db.start()
    with contextlib.redirect_stdout(io.StringIO()):
        await prepare_database()
    project = await register.create_project(SYSTEM, project_in)
    building = await register.add_building(SYSTEM, project.id, BuildingIn(name="1号楼"))
    await _bulk(Dwelling, dwelling_columns, dwelling_rows(project.id, building.id))
    await _bulk(Household, ["id", "project", "certificate_no", "holder_names", "owner_key", "kind", "office",
                            "subdistrict", "phone", "contact_status", "strategy", "created_at"],
                [(n, project.id, f"C{n:06d}", "某", f"o{n}", "resident", "", "", "", "reachable", "",
                  "2026-11-23T00:00:00+00:00") for n in range(1, count + 1)])
    return project, building


async def reset_sequences(*tables: str) -> None:
    """After rows were bulk-loaded with explicit ids, let the next insert carry on after them."""
    from tracker.register.tables import Household

    for table in tables:
        await Household.raw(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU each running process has used so far (Linux /proc), by pid; a process that is
    gone or not readable is left out."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14 and 15)
    return used


async def postgres_backends(url: str) -> list[int]:
    """The server processes serving connections to `url`'s database now (this query's own left out)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid()")
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


@contextlib.contextmanager
def app_processes(env: dict[str, str], count: int, pids: list[int] | None = None) -> Iterator[list[int]]:
    """`count` uvicorn processes of the app on free loopback ports, healthy before the ports are
    yielded and stopped afterwards whatever happened (their process ids appended to `pids` if given)."""
    import httpx

    ports = [_free_port() for _ in range(count)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tracker.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env,
        )
        for port in ports
    ]
    if pids is not None:
        pids.extend(server.pid for server in servers)
    try:
        for port in ports:
            for _ in range(200):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"app on port {port} did not start")
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
