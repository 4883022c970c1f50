"""Database engine, transactions and the translation of integrity errors into domain errors."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from typing import TYPE_CHECKING

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

from tracker.errors import Conflict

if TYPE_CHECKING:
    from piccolo.columns import Column
    from piccolo.table import Table

    from tracker.settings import Settings


_statements: ContextVar[list[str] | None] = ContextVar("tracker_statements", default=None)


@contextmanager
def recording() -> Iterator[list[str]]:
    """Collect, in order, the SQL statements the engines send while the block runs (in this context).

    Tests count what a request costs with it (a page view should write nothing). Outside such a block
    the engines only look up an unset context variable per statement. Statements sent on a raw
    connection (the PostgreSQL ballot path) bypass the engines and are not seen.
    """
    statements: list[str] = []
    token = _statements.set(statements)
    try:
        yield statements
    finally:
        _statements.reset(token)


def _record(sql: str) -> None:
    statements = _statements.get()
    if statements is not None:
        statements.append(sql)


class _Records:
    """Each statement an engine runs, and each transaction's BEGIN/COMMIT/ROLLBACK, to a `recording()`."""

    __slots__ = ()

    async def run_querystring(self, querystring, in_pool: bool = True):
        if _statements.get() is not None:
            _record(querystring.compile_string(engine_type=self.engine_type)[0])
        return await super().run_querystring(querystring, in_pool=in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = True):
        _record(ddl)
        return await super().run_ddl(ddl, in_pool=in_pool)


class _RecordsTransaction:
    __slots__ = ()

    async def begin(self):
        _record("BEGIN")
        return await super().begin()

    async def commit(self):
        _record("COMMIT")
        return await super().commit()

    async def rollback(self):
        _record("ROLLBACK")
        return await super().rollback()


class _ReleasesOnFailure(_RecordsTransaction):
    """Piccolo's transactions, except that a connection failing on the way in or out is let go.

    Piccolo takes a connection and then sends BEGIN; if BEGIN, or the closing COMMIT or ROLLBACK, raises
    (cancelled with its request, a server error, "database is locked" past SQLite's busy timeout) it
    neither lets the connection go nor resets the current transaction. Each engine says how to let go.
    """

    __slots__ = ()

    async def __aenter__(self):
        if self._parent is not None:
            return self._parent
        try:
            return await super().__aenter__()
        except BaseException:
            await self._let_go()
            raise

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent is not None:
            return exception is None
        try:
            return await super().__aexit__(exception_type, exception, traceback)
        except BaseException:
            await self._let_go()
            raise

    async def _let_go(self) -> None:
        context, self.context = getattr(self, "context", None), None
        if context is not None:
            with suppress(ValueError, RuntimeError):  # already reset by Piccolo
                self.engine.current_transaction.reset(context)
        connection, self.connection = getattr(self, "connection", None), None
        if connection is not None:
            await self._release(connection)


class _Transaction(_ReleasesOnFailure, PostgresTransaction):
    """asyncpg hands back a connection the server closed by itself, but one still open would hold one
    of the pool's 20 slots for good, until requests wait for ever."""

    __slots__ = ()

    async def _release(self, connection) -> None:
        # An open connection is in an unknown state (a transaction may still be open, a cancelled COMMIT
        # may still run): never reuse it. Terminating it frees its slot; the pool connects afresh.
        with suppress(asyncpg.InterfaceError):  # "released back to the pool": nothing left to do
            connection.terminate()
        if self.engine.pool is not None:
            await self.engine.pool.release(connection)


class _PostgresEngine(_Records, PostgresEngine):
    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _Transaction(engine=self, allow_nested=allow_nested)


class _SQLiteTransaction(_ReleasesOnFailure, SQLiteTransaction):
    """Each aiosqlite connection runs a thread of its own that is not a daemon: left open after a lock
    timeout, it leaked the thread, and the process could no longer exit."""

    __slots__ = ()

    async def _release(self, connection) -> None:
        with suppress(sqlite3.Error, ValueError):  # closing is all that is left to do
            await connection.close()


class _SQLiteEngine(_Records, SQLiteEngine):
    def transaction(self, transaction_type: TransactionType = TransactionType.deferred,
                    allow_nested: bool = True) -> SQLiteTransaction:
        return _SQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


def make_engine(settings: Settings) -> Engine:
    if settings.engine == "postgres":
        return _PostgresEngine(config={"dsn": settings.database_url})
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: writers queue behind each other instead of failing with
    # "database is locked" when several requests write at once.
    return _SQLiteEngine(path=str(settings.sqlite_path), timeout=30)


_engine: Engine | None = None


def engine() -> Engine:
    """The configured engine, found once: finding it imports the configuration module again, which
    cost more than a statement's own Python on a busy request path. Piccolo's tables keep the engine
    they first found in the same way."""
    global _engine
    if _engine is None:
        found = engine_finder()
        if found is None:  # pragma: no cover - piccolo_conf.py always defines DB
            raise RuntimeError("piccolo_conf.py defines no engine")
        _engine = found
    return _engine


def is_postgres() -> bool:
    return engine().engine_type == "postgres"


def in_transaction() -> bool:
    """Whether a caller's transaction is open here: work on a connection of its own would not see its rows."""
    return engine().current_transaction.get() is not None


# Bound parameters one statement may carry on both engines: SQLite's default limit since 3.32 (32766),
# just under asyncpg's (32767).
MAX_PARAMETERS = 32766


async def insert_rows(table: type[Table], rows: Sequence[Table], *returning: Column) -> list[dict]:
    """Insert `rows` in as few multi-row INSERTs as the bound-parameter limit allows (one parameter a
    column a row at most), answering the `returning` columns of every row. Neither engine promises
    RETURNING in VALUES order: a caller maps the answers back on a unique column it set itself."""
    per_statement = max(1, MAX_PARAMETERS // len(table._meta.columns))
    answered: list[dict] = []
    for start in range(0, len(rows), per_statement):
        query = table.insert(*rows[start:start + per_statement])
        if returning:
            query = query.returning(*returning)
        answered.extend(await query or [])
    return answered


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """One business action, one transaction; nested calls join the outer one.

    SQLite transactions start IMMEDIATE so that two writers never both read and then fail to
    upgrade their lock; PostgreSQL uses its default READ COMMITTED with explicit row locks.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        txn = db.transaction(transaction_type=TransactionType.immediate)
    else:
        txn = db.transaction()
    try:
        async with txn:
            yield
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as exc:
        raise integrity_conflict(exc) from exc


_CONSTRAINT_NAME = re.compile(r'constraint "([^"]+)"')
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def integrity_conflict(exc: Exception) -> Conflict:
    """Name the database rule that refused a write, whichever engine refused it."""
    message = str(exc)
    rule = None
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        rule = getattr(exc, "constraint_name", None)
        if rule is None:
            match = _CONSTRAINT_NAME.search(message)
            rule = match.group(1) if match else None
    else:
        for pattern in (_SQLITE_UNIQUE, _SQLITE_CHECK):
            match = pattern.search(message)
            if match:
                rule = match.group(1)
                break
    return Conflict("The database refused the change: {constraint}", rule=rule or "integrity", constraint=rule or message)


async def _release(connection: asyncpg.Connection) -> None:
    """What a connection needs on its way back to the pool: no transaction left open.

    asyncpg's default reset also runs UNLISTEN, advisory-unlock and RESET ALL, one more round trip
    per pooled query (Piccolo takes a pooled connection per query outside a transaction); nothing
    here listens, takes advisory locks or SETs session state, so that trip would buy nothing.
    """
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def start(db: Engine | None = None) -> None:
    db = db or engine()
    if isinstance(db, PostgresEngine):
        if db.pool is None:
            await db.start_connection_pool(min_size=2, max_size=20, reset=_release)
    else:
        # WAL lets readers go on while one writer commits; it persists in the file.
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def stop(db: Engine | None = None) -> None:
    db = db or engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()


PING_TIMEOUT_S = 3


async def ping() -> bool:
    try:
        # Bounded: a server that accepts connections but never answers is unreachable too.
        await asyncio.wait_for(engine().run_ddl("SELECT 1"), PING_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - health reports any failure as unreachable
        return False
    return True


async def migrate() -> None:
    """Apply every pending Piccolo migration of every app."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", fake=False)
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}")
