"""The migrated database matches the table classes, column by column and constraint by constraint.

For every table class of every Piccolo app, on the engine the suite runs on: each column's type (with
its length, precision and scale), nullability, default and uniqueness, each foreign key's target and
ON DELETE and ON UPDATE, each index (its columns), and each named Unique (its columns) and Check (SQLite: its
expression; PostgreSQL, which rewrites expressions: the columns it reads and the literals it compares
with). The database is read through its catalogs (PostgreSQL: pg_attribute, pg_attrdef, pg_constraint,
pg_index; SQLite: PRAGMA table_info, index_list, index_info, foreign_key_list and the CREATE TABLE text
in sqlite_master), and the expectation is written out per engine below, not taken from the DDL the
migrations were made with. A table change without its migration fails here on both engines.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

import pytest
from piccolo.columns import Column, ForeignKey, Integer, Varchar
from piccolo.columns.defaults.base import Default
from piccolo.constraints import Check, Unique
from piccolo.conf.apps import Finder
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from tests.support import ENGINE
from tracker.db import engine

# Piccolo column class -> the type each engine reports for it ({n}: length, {p},{s}: precision, scale).
TYPES = {
    "postgres": {
        "Varchar": "character varying({n})", "Text": "text", "Integer": "integer", "SmallInt": "smallint",
        "BigInt": "bigint", "Serial": "integer", "BigSerial": "bigint", "Numeric": "numeric({p},{s})",
        "Decimal": "numeric({p},{s})", "Boolean": "boolean", "Timestamptz": "timestamp with time zone",
        "Timestamp": "timestamp without time zone", "Date": "date", "Time": "time without time zone",
        "JSON": "json", "JSONB": "jsonb", "Bytea": "bytea", "UUID": "uuid", "Real": "real",
        "DoublePrecision": "double precision",
    },
    # SQLite keeps the declared type's text (type affinity comes from it, nothing checks it).
    "sqlite": {
        "Varchar": "VARCHAR({n})", "Text": "TEXT", "Integer": "INTEGER", "SmallInt": "SMALLINT",
        "BigInt": "INTEGER", "Serial": "INTEGER", "BigSerial": "INTEGER", "Numeric": "NUMERIC({p},{s})",
        "Decimal": "NUMERIC({p},{s})", "Boolean": "BOOLEAN", "Timestamptz": "TIMESTAMPTZ",
        "Timestamp": "TIMESTAMP", "Date": "DATE", "Time": "TIME", "JSON": "JSON", "JSONB": "JSONB",
        "Bytea": "BLOB", "UUID": "UUID", "Real": "REAL", "DoublePrecision": "DOUBLE PRECISION",
    },
}
# pg_constraint.confdeltype / confupdtype -> the ON DELETE / ON UPDATE action it stands for.
PG_ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass
class Found:
    type: str
    not_null: bool
    default: object
    primary_key: bool


@dataclass
class Shape:
    """One table as the database holds it, in the same terms on both engines."""

    columns: dict[str, Found]
    uniques: dict[frozenset[str], str | None]  # the columns unique together -> the constraint's name
    foreign_keys: dict[str, tuple[str, str, str, str]]  # column -> (table, column, ON DELETE, ON UPDATE)
    checks: dict[str, str]  # name -> expression (SQLite) or pg_get_constraintdef (PostgreSQL)
    check_columns: dict[str, frozenset[str]]  # name -> the columns it reads (PostgreSQL)
    indexes: set[frozenset[str]]  # CREATE INDEX indexes (not those of a constraint) -> their columns


def all_tables() -> list[type[Table]]:
    return [t for app in Finder().get_app_registry().app_configs.values() for t in app.table_classes]


async def _rows(sql: str) -> list[dict]:
    return await engine().run_ddl(sql)


async def _tables() -> set[str]:
    if ENGINE == "postgres":
        rows = await _rows("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    else:
        rows = await _rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {r["name"] for r in rows}


async def _pg_shape(table: str) -> Shape | None:
    if not (await _rows(f"SELECT to_regclass('public.\"{table}\"') IS NOT NULL AS found"))[0]["found"]:
        return None
    rel = f"'public.\"{table}\"'::regclass"
    columns = {
        r["name"]: Found(r["type"], r["not_null"], _default(r["dflt"]), False)
        for r in await _rows(
            "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,"
            " pg_get_expr(d.adbin, d.adrelid) AS dflt FROM pg_attribute a LEFT JOIN pg_attrdef d"
            " ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            f" WHERE a.attrelid = {rel} AND a.attnum > 0 AND NOT a.attisdropped"
        )
    }
    shape = Shape(columns, {}, {}, {}, {}, set())
    for r in await _rows(
        "SELECT c.conname AS name, c.contype::text AS kind, pg_get_constraintdef(c.oid) AS def,"
        " c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update, c.confrelid::regclass::text AS target,"
        " ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY(c.conkey)) AS cols,"
        " ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = ANY(c.confkey))"
        " AS target_cols"
        f" FROM pg_constraint c WHERE c.conrelid = {rel}"
    ):
        cols = frozenset(r["cols"])
        if r["kind"] == "p":
            for name in cols:
                columns[name].primary_key = True
        elif r["kind"] == "u":
            shape.uniques[cols] = r["name"]
        elif r["kind"] == "f":
            (column,), (target_column,) = r["cols"], r["target_cols"]
            shape.foreign_keys[column] = (r["target"].strip('"'), target_column, PG_ACTION[r["on_delete"]],
                                          PG_ACTION[r["on_update"]])
        elif r["kind"] == "c":
            shape.checks[r["name"]] = r["def"]
            shape.check_columns[r["name"]] = cols
    for r in await _rows(
        "SELECT ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = ix.indrelid AND attnum = ANY(ix.indkey))"
        f" AS cols FROM pg_index ix WHERE ix.indrelid = {rel} AND NOT ix.indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)"
    ):
        shape.indexes.add(frozenset(r["cols"]))
    return shape


def _sqlite_checks(create_sql: str) -> dict[str, str]:
    """`CONSTRAINT name CHECK (expression)` clauses of a CREATE TABLE, the expression as written."""
    checks = {}
    for match in re.finditer(r"CONSTRAINT\s+(\w+)\s+CHECK\s*\(", create_sql):
        depth, i, quote = 1, match.end(), None
        while depth:
            ch = create_sql[i]
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            i += 1
        checks[match.group(1)] = create_sql[match.end(): i - 1]
    return checks


async def _sqlite_shape(table: str) -> Shape | None:
    found = await _rows(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
    if not found:
        return None
    create_sql = found[0]["sql"]
    columns = {
        r["name"]: Found(r["type"], bool(r["notnull"]), _default(r["dflt_value"]), bool(r["pk"]))
        for r in await _rows(f'PRAGMA table_info("{table}")')
    }
    named = {
        frozenset(re.findall(r'"(\w+)"', cols)): name
        for name, cols in re.findall(r"CONSTRAINT\s+(\w+)\s+UNIQUE\s*\(([^)]*)\)", create_sql)
    }
    shape = Shape(columns, {}, {}, _sqlite_checks(create_sql), {}, set())
    for index in await _rows(f'PRAGMA index_list("{table}")'):
        cols = frozenset(r["name"] for r in await _rows(f'PRAGMA index_info("{index["name"]}")'))
        if index["unique"] and index["origin"] == "u":  # declared UNIQUE, not CREATE UNIQUE INDEX
            shape.uniques[cols] = named.get(cols)
        elif index["origin"] == "c":
            shape.indexes.add(cols)
    for r in await _rows(f'PRAGMA foreign_key_list("{table}")'):
        shape.foreign_keys[r["from"]] = (r["table"], r["to"], r["on_delete"], r["on_update"])
    return shape


_CAST = re.compile(r"::[a-z ]+(\(\d+(,\s*\d+)?\))?(\[\])?")


def _default(raw: object) -> object:
    """A default as either catalog spells it, reduced to a comparable value."""
    if raw is None:
        return None
    text = _CAST.sub("", str(raw).strip())
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    lowered = text.lower()
    if lowered == "null":
        return None
    if lowered in ("current_timestamp", "now()", "transaction_timestamp()"):
        return "now"
    if lowered == "current_date":
        return "today"
    if lowered in ("true", "false"):
        return lowered == "true"
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1].replace("''", "'")
        return text[2:] if text.startswith("\\x") else text  # a bytea literal's hex
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def expected_default(column: Column, engine_type: str) -> object:
    value = column.get_default_value()
    if isinstance(value, Default):
        return _default(getattr(value, engine_type))
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    return str(value)


def _same_default(expected: object, found: object) -> bool:
    if isinstance(expected, bool) and isinstance(found, Decimal):  # SQLite may store a boolean as 0/1
        return found == int(expected)
    if isinstance(expected, Decimal) and isinstance(found, str):
        try:
            return Decimal(found) == expected
        except InvalidOperation:
            return False
    return expected == found


def expected_type(column: Column, engine_type: str) -> str:
    if isinstance(column, ForeignKey):
        column = column._foreign_key_meta.resolved_target_column
    kind = type(column).__name__
    if kind not in TYPES[engine_type]:
        raise AssertionError(f"no expected {engine_type} type for {kind}: add it to TYPES")
    digits = getattr(column, "digits", None) or (None, None)
    return TYPES[engine_type][kind].format(n=getattr(column, "length", None), p=digits[0], s=digits[1])


def _norm_type(text: str) -> str:
    return re.sub(r"\s*,\s*", ",", text.strip())


def _literals(expression: str) -> tuple[set[str], set[str]]:
    """The quoted strings and the numbers an expression compares with, whatever else its engine adds."""
    strings = {s.replace("''", "'") for s in re.findall(r"'((?:[^']|'')*)'", expression)}
    rest = re.sub(r"'(?:[^']|'')*'|\"[^\"]*\"", " ", expression)
    numbers = {str(Decimal(n)) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", rest)}
    return strings, numbers


def _compare(table: type[Table], shape: Shape) -> list[str]:
    name, problems = table._meta.tablename, []
    expected_names = {c._meta.db_column_name for c in table._meta.columns}
    if missing := expected_names - set(shape.columns):
        problems.append(f"{name}: columns not migrated: {sorted(missing)}")
    if extra := set(shape.columns) - expected_names:
        problems.append(f"{name}: columns the table class does not declare: {sorted(extra)}")
    named_uniques = {frozenset(c.get_column_names()) for c in table._meta.constraints if isinstance(c, Unique)}
    for column in table._meta.columns:
        col = column._meta.db_column_name
        found = shape.columns.get(col)
        if found is None:
            continue
        where = f"{name}.{col}"
        want_type = expected_type(column, ENGINE)
        if _norm_type(found.type) != _norm_type(want_type):
            problems.append(f"{where}: type {found.type}, the table says {want_type}")
        if found.primary_key != column._meta.primary_key:
            problems.append(f"{where}: primary key {found.primary_key}, the table says {column._meta.primary_key}")
        want_not_null = column._meta.primary_key or not column._meta.null
        if found.not_null != want_not_null:
            problems.append(f"{where}: NOT NULL {found.not_null}, the table says {want_not_null}")
        if not column._meta.primary_key:
            want_default = expected_default(column, ENGINE)
            if not _same_default(want_default, found.default):
                problems.append(f"{where}: default {found.default!r}, the table says {want_default!r}")
        is_unique = frozenset({col}) in shape.uniques and frozenset({col}) not in named_uniques
        if is_unique != column._meta.unique:
            problems.append(f"{where}: UNIQUE {is_unique}, the table says {column._meta.unique}")
        if isinstance(column, ForeignKey):
            meta = column._foreign_key_meta
            want = (meta.resolved_references._meta.tablename, meta.resolved_target_column._meta.db_column_name,
                    meta.on_delete.value, meta.on_update.value)
            if shape.foreign_keys.get(col) != want:
                problems.append(f"{where}: foreign key {shape.foreign_keys.get(col)}, the table says {want}")
    declared_fks = {c._meta.db_column_name for c in table._meta.foreign_key_columns}
    if extra := set(shape.foreign_keys) - declared_fks:
        problems.append(f"{name}: foreign keys the table class does not declare: {sorted(extra)}")

    single = {frozenset({c._meta.db_column_name}) for c in table._meta.columns if c._meta.unique}
    composite = {}
    for constraint in table._meta.constraints:
        cname = constraint._meta.name
        if isinstance(constraint, Unique):
            cols = frozenset(constraint.get_column_names())
            composite[cols] = cname
            if shape.uniques.get(cols, "missing") != cname:
                problems.append(f"{name}: UNIQUE {cname} {sorted(cols)} not migrated as such "
                                f"(found {shape.uniques.get(cols, 'none')} on those columns)")
        elif isinstance(constraint, Check):
            condition = constraint.get_condition_str()
            if cname not in shape.checks:
                problems.append(f"{name}: CHECK {cname} not migrated")
            elif ENGINE == "sqlite":
                if " ".join(shape.checks[cname].split()) != " ".join(condition.split()):
                    problems.append(f"{name}: CHECK {cname} is ({shape.checks[cname]}), the table says ({condition})")
            else:
                words = set(re.findall(r"\w+", re.sub(r"'(?:[^']|'')*'", " ", condition)))
                reads = expected_names & words
                if shape.check_columns[cname] != reads:
                    problems.append(f"{name}: CHECK {cname} reads {sorted(shape.check_columns[cname])}, "
                                    f"the table's reads {sorted(reads)}")
                if _literals(shape.checks[cname]) != _literals(condition):
                    problems.append(f"{name}: CHECK {cname} is {shape.checks[cname]}, the table says ({condition})")
    if extra := set(shape.uniques) - single - set(composite):
        problems.append(f"{name}: unique constraints the table class does not declare: {sorted(map(sorted, extra))}")
    indexed = {frozenset({c._meta.db_column_name}) for c in table._meta.columns if c._meta.index}
    if indexed != shape.indexes:
        problems.append(f"{name}: indexes on {sorted(map(sorted, shape.indexes))}, "
                        f"the table says {sorted(map(sorted, indexed))}")
    declared_checks = {c._meta.name for c in table._meta.constraints if isinstance(c, Check)}
    if extra := set(shape.checks) - declared_checks:
        problems.append(f"{name}: CHECK constraints the table class does not declare: {sorted(extra)}")
    return problems


async def test_every_table_matches_its_class_column_by_column_and_constraint_by_constraint(database):
    problems = []
    tables = all_tables()
    assert len(tables) > 30  # every app's tables, not an empty registry
    for table in tables:
        shape = await (_pg_shape if ENGINE == "postgres" else _sqlite_shape)(table._meta.tablename)
        if shape is None:
            problems.append(f"table {table._meta.tablename} is missing")
            continue
        problems += _compare(table, shape)
    if undeclared := await _tables() - {t._meta.tablename for t in tables} - {"migration"}:
        problems.append(f"tables no class declares (drop them in a migration): {sorted(undeclared)}")
    assert not problems, "\n".join(problems)


async def test_the_comparison_sees_a_drifted_column_and_constraint(database):
    """The comparison can fail: a class that differs from its migrated table in each respect is caught."""
    from tracker.register.tables import Building

    shape = await (_pg_shape if ENGINE == "postgres" else _sqlite_shape)(Building._meta.tablename)
    assert not _compare(Building, shape)
    drifted = Shape(
        {**shape.columns, "name": Found("text", False, "x", False)},
        {k: v for k, v in shape.uniques.items() if v != "name_unique_in_project"},
        {**shape.foreign_keys, "project": ("project", "id", "CASCADE", "CASCADE")},
        shape.checks,
        shape.check_columns,
        set(),
    )
    text = "\n".join(_compare(Building, drifted))
    for what in ("building.name: type", "building.name: NOT NULL", "building.name: default",
                 "UNIQUE name_unique_in_project", "building.project: foreign key", "building: indexes on []"):
        assert what in text, (what, text)


def test_piccolo_still_adds_composite_constraints_with_alter_table_on_sqlite():
    """Canary for the frozen-DDL workaround (tracker/schema.py, docs/architecture.md "Migrations").

    Piccolo's own DDL for a table with a composite Unique and a Check adds them afterwards with
    ALTER TABLE … ADD CONSTRAINT, which SQLite cannot run; that is why migrations here are frozen SQL
    with the constraints inline. When this test fails, Piccolo emits them inline (or SQLite learned
    ADD CONSTRAINT): the frozen-DDL workaround in tracker/schema.py can be retired.
    """

    class Canary(Table, tablename="canary", db=SQLiteEngine(path=":memory:")):
        a = Integer()
        b = Varchar(length=10)
        a_b_unique = Unique([a, b])
        a_positive = Check(a > 0)

    statements = [str(s) for s in Canary.create_table().ddl]
    create, rest = statements[0], statements[1:]
    message = ("Piccolo now creates composite constraints inline on SQLite: "
               "the frozen-DDL workaround in tracker/schema.py can be retired")
    assert "CONSTRAINT" not in create and "UNIQUE" not in create and "CHECK" not in create, message
    alters = [s for s in rest if s.startswith("ALTER TABLE") and "ADD CONSTRAINT" in s]
    assert len(alters) == 2, message
    db = sqlite3.connect(":memory:")
    try:
        db.execute(create)
        for statement in alters:
            with pytest.raises(sqlite3.OperationalError):
                db.execute(statement)
    finally:
        db.close()


async def test_check_constraints_hold_in_the_database(world):
    """Integrity lives in the database too: a bad value is refused even when no service checks it."""
    from tracker.db import transaction
    from tracker.errors import Conflict
    from tracker.register.tables import Household

    try:
        async with transaction():
            await Household.update({Household.contact_status: "unknown"}).where(Household.id == world.households[0])
    except Conflict as exc:
        assert "contact_status_known" in exc.detail
    else:
        raise AssertionError("the database accepted a contact status outside its CHECK constraint")
