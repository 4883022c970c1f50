"""The connection pool after PostgreSQL went away in the middle of transactions: no slot is lost."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest

from tracker import db
from tracker.settings import get_settings
from tracker.web.errors import database_unavailable

pytestmark = pytest.mark.engines_only("postgres")

ROUNDS = 3
IN_FLIGHT = 8  # per round; ROUNDS * IN_FLIGHT exceeds the pool's 20 connections
BOUND_S = 20


async def _close(engine) -> None:
    """Bounded: a pool with a lost connection would wait for it for ever on close."""
    try:
        await asyncio.wait_for(db.stop(engine), BOUND_S)
    except TimeoutError:
        engine.pool.terminate()
        engine.pool = None
        raise AssertionError("the pool did not close: a connection was never given back") from None


async def test_transactions_cut_by_a_restart_give_their_connections_back(pg_cluster):
    url = pg_cluster.createdb(f"faults_{uuid.uuid4().hex[:10]}")
    engine = db.make_engine(dataclasses.replace(get_settings(), database_url=url))
    await db.start(engine)
    try:
        for _ in range(ROUNDS):
            async def in_transaction() -> BaseException | None:
                try:
                    async with engine.transaction():
                        await engine.run_ddl("SELECT pg_sleep(30)")
                except Exception as exc:  # noqa: BLE001 - what it was is checked below
                    return exc
                return None

            cut = [asyncio.create_task(in_transaction()) for _ in range(IN_FLIGHT)]
            await asyncio.sleep(0.5)  # all of them inside their transaction, sleeping on the server
            await asyncio.to_thread(pg_cluster.stop, "fast")
            errors = await asyncio.wait_for(asyncio.gather(*cut), BOUND_S)
            assert all(e is not None and database_unavailable(e) for e in errors), errors
            await asyncio.to_thread(pg_cluster.start)

        # Back: as many transactions at once as the pool holds, each within the bound (a lost slot
        # would leave some of them waiting for a connection for ever).
        async def one() -> int:
            async with engine.transaction():
                rows = await engine.run_ddl("SELECT 1 AS one")
            return rows[0]["one"]

        for _ in range(50):  # the first attempts may still meet connections closed by the restart
            try:
                await asyncio.wait_for(one(), BOUND_S)
                break
            except Exception as exc:  # noqa: BLE001
                assert database_unavailable(exc), exc
                await asyncio.sleep(0.2)
        results = await asyncio.wait_for(asyncio.gather(*(one() for _ in range(20))), BOUND_S)
        assert results == [1] * 20
        assert engine.current_transaction.get() is None
    finally:
        if not pg_cluster.running():
            pg_cluster.start()
        await _close(engine)


async def test_commits_cancelled_with_their_request_give_their_connections_back(pg_cluster):
    """A COMMIT cancelled while the server still runs it (a deferred trigger sleeps) leaves an open
    connection in an unknown state: it must be dropped and its pool slot freed, every time."""
    url = pg_cluster.createdb(f"faults_{uuid.uuid4().hex[:10]}")
    pg_cluster.psql(url.rsplit("/", 1)[1], """
        CREATE TABLE slow_commit (id serial PRIMARY KEY);
        CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON slow_commit
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();
    """)
    engine = db.make_engine(dataclasses.replace(get_settings(), database_url=url))
    await db.start(engine)
    try:
        async def cancelled_commit() -> None:
            async with engine.transaction():
                await engine.run_ddl("INSERT INTO slow_commit DEFAULT VALUES")

        cancelled = 0
        for _ in range(3):  # 3 × 8 cancelled commits, more than the pool's 20 connections
            outcomes = await asyncio.gather(
                *(asyncio.wait_for(cancelled_commit(), 0.5) for _ in range(IN_FLIGHT)), return_exceptions=True)
            cancelled += sum(isinstance(o, TimeoutError) for o in outcomes)
        assert cancelled == 3 * IN_FLIGHT

        async def one() -> int:
            async with engine.transaction():
                rows = await engine.run_ddl("SELECT 1 AS one")
            return rows[0]["one"]

        results = await asyncio.wait_for(asyncio.gather(*(one() for _ in range(20))), BOUND_S)
        assert results == [1] * 20
        # The server rolled every cancelled commit back when its connection was dropped.
        rows = await engine.run_ddl("SELECT COUNT(*) AS n FROM slow_commit")
        assert rows[0]["n"] == 0
    finally:
        await _close(engine)
