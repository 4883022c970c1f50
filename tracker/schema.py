"""Portable DDL for migrations: CREATE TABLE with its constraints inline, per engine.

Piccolo adds composite constraints with ALTER TABLE, which SQLite cannot do. Migrations here are
frozen SQL per engine, generated once from the table classes by `tracker db new-migration`, and
`tests/integration/test_schema.py` proves the migrated schema still matches the tables.
"""

from __future__ import annotations

import importlib
import pprint
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path

from piccolo.constraints import Check, Unique
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from tracker import clock

ENGINES = ("sqlite", "postgres")


def one_of(column: str, values: Iterable[str] | type[Enum]) -> str:
    """A CHECK condition keeping `column` within a closed set of values."""
    items = [v.value if isinstance(v, Enum) else v for v in values]
    quoted = ", ".join("'" + item.replace("'", "''") + "'" for item in items)
    return f'"{column}" IN ({quoted})'


def _engine_for(engine_type: str):
    if engine_type == "postgres":
        return PostgresEngine(config={"dsn": "postgresql://ddl-only@127.0.0.1:1/none"})
    return SQLiteEngine(path=":memory:")


def table_ddl(table: type[Table], engine_type: str) -> list[str]:
    """CREATE TABLE (with constraints inline) and CREATE INDEX statements for one engine."""
    if engine_type not in ENGINES:
        raise ValueError(f"unknown engine {engine_type!r}")
    original = table._meta.db
    table._meta.db = _engine_for(engine_type)
    try:
        statements = [str(s) for s in table.create_table().ddl]
    finally:
        table._meta.db = original
    create, rest = statements[0], statements[1:]
    clauses = []
    for constraint in table._meta.constraints:
        if isinstance(constraint, Unique):
            clauses.append(f"CONSTRAINT {constraint._meta.name} {constraint.ddl}")
        elif isinstance(constraint, Check):
            clauses.append(f"CONSTRAINT {constraint._meta.name} CHECK ({constraint.get_condition_str()})")
        else:  # pragma: no cover - no other kinds exist in Piccolo today
            raise TypeError(f"unsupported constraint {constraint!r}")
    if clauses:
        assert create.endswith(")"), create
        create = create[:-1] + ", " + ", ".join(clauses) + ")"
    indexes = [s for s in rest if not s.startswith("ALTER TABLE")]
    return [create, *indexes]


def tables_ddl(tables: Sequence[type[Table]]) -> dict[str, list[str]]:
    return {engine: [s for t in tables for s in table_ddl(t, engine)] for engine in ENGINES}


async def apply(statements_by_engine: dict[str, list[str]]) -> None:
    """Run the statements written for the engine this database runs on (used by migrations)."""
    from tracker.db import engine

    db = engine()
    for statement in statements_by_engine[db.engine_type]:
        await db.run_ddl(statement)


MIGRATION_TEMPLATE = '''"""{description}"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "{migration_id}"
VERSION = "1.38.0"
DESCRIPTION = {description!r}

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {statements}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name={app_name!r}, description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
'''


def write_migration(app_name: str, description: str, table_paths: Sequence[str], statements: dict | None = None) -> Path:
    """Write a migration creating the named tables (`module:Class`) or running given statements."""
    if statements is None:
        tables = []
        for path in table_paths:
            module, _, name = path.partition(":")
            tables.append(getattr(importlib.import_module(module), name))
        statements = tables_ddl(tables)
    from piccolo.conf.apps import Finder

    # By the registered name: an app may live below its domain (funding/payments is the app "payments").
    app = Finder().get_app_config(app_name)
    now = clock.now()
    migration_id = now.strftime("%Y-%m-%dT%H:%M:%S:%f")
    folder = Path(app.migrations_folder_path)
    path = folder / f"{app_name}_{now.strftime('%Y_%m_%dt%H_%M_%S_%f')}.py"
    path.write_text(
        MIGRATION_TEMPLATE.format(
            description=description,
            migration_id=migration_id,
            app_name=app_name,
            statements=pprint.pformat(statements, width=100, sort_dicts=False),
        )
    )
    return path
