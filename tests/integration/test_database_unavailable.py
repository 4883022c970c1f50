"""A database that cannot be reached (or, on SQLite, stays locked beyond the busy timeout) is a 503 with
a problem body and Retry-After, never a 500; errors that are not about reaching it stay 500s.

PostgreSQL going away under a real server process is tested in tests/faults/test_faults_pg_restart.py."""

from __future__ import annotations

import sqlite3
import threading

import asyncpg
import pytest

from tracker import db
from tracker.settings import get_settings
from tracker.web.errors import database_unavailable


@pytest.mark.parametrize("exc", [
    sqlite3.OperationalError("database is locked"),
    sqlite3.OperationalError("database table is locked: household"),
    asyncpg.exceptions.CannotConnectNowError("the database system is shutting down"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.InterfaceError("connection is closed"),
    asyncpg.InterfaceError("pool is closing"),
    ConnectionRefusedError(111, "Connection refused"),
    OSError("Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 5432)"),
])
def test_what_counts_as_unavailable(exc):
    assert database_unavailable(exc)


@pytest.mark.parametrize("exc", [
    sqlite3.OperationalError("no such table: household"),
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    FileNotFoundError(2, "No such file or directory"),
    ValueError("database is locked"),
])
def test_what_does_not(exc):
    assert not database_unavailable(exc)


@pytest.mark.engines_only("sqlite")
async def test_sqlite_locked_beyond_the_busy_timeout_is_a_503_then_works_again(world, client_for):
    staff = await client_for("staff")
    engine = db.engine()
    busy_timeout = engine.connection_kwargs["timeout"]
    threads_before = _sqlite_threads()
    holder = sqlite3.connect(get_settings().sqlite_path, timeout=1, isolation_level=None)
    try:
        engine.connection_kwargs["timeout"] = 0.2  # the same failure as after 30 s, sooner
        holder.execute("BEGIN EXCLUSIVE")  # another process writing for longer than the timeout
        answer = await staff.post(f"/api/v1/projects/{world.project}/buildings", json={"name": "锁住"})
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.headers["retry-after"].isdigit()
        assert answer.json()["rule"] == "database_unavailable"
        # Readers go on beside the writer (WAL), and a page view writes nothing; a page that writes
        # answers with the error page.
        page = await staff.get(f"/projects/{world.project}", headers={"accept": "text/html"})
        assert page.status_code == 200
        page = await staff.post(f"/households/{world.households[0]}/strategy", data={"strategy": "先电话联系"},
                                headers={"accept": "text/html"})
        assert page.status_code == 503 and "text/html" in page.headers["content-type"], page.text
    finally:
        if holder.in_transaction:
            holder.rollback()
        holder.close()
        engine.connection_kwargs["timeout"] = busy_timeout
    answer = await staff.post(f"/api/v1/projects/{world.project}/buildings", json={"name": "锁住"})
    assert answer.status_code == 201, answer.text
    # The transactions that could not begin closed their connections (another test's may have ended
    # meanwhile): each holds a thread that is no daemon, so a leaked one would keep the process from
    # ever exiting.
    assert _sqlite_threads() <= threads_before


def _sqlite_threads() -> int:
    return sum(1 for t in threading.enumerate() if "_connection_worker_thread" in t.name and t.is_alive())
