"""The migrated database matches the table classes: a table change without its migration fails here."""

from piccolo.conf.apps import Finder

from tests.support import ENGINE
from tracker.db import engine


async def _columns(table: str) -> set[str]:
    if ENGINE == "postgres":
        rows = await engine().run_ddl(
            f"SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}'"
        )
    else:
        rows = await engine().run_ddl(f'PRAGMA table_info("{table}")')
    return {r["name"] for r in rows}


async def _constraints(table: str) -> set[str]:
    if ENGINE == "postgres":
        rows = await engine().run_ddl(
            f"SELECT conname AS name FROM pg_constraint WHERE conrelid = '\"{table}\"'::regclass"
        )
        return {r["name"] for r in rows}
    sql = (await engine().run_ddl(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"))[0]["sql"]
    return {word for word in sql.replace("(", " ").split() if word} if sql else set()


async def test_every_table_column_and_constraint_is_migrated(database):
    problems = []
    for app in Finder().get_app_registry().app_configs.values():
        for table in app.table_classes:
            name = table._meta.tablename
            columns = await _columns(name)
            if not columns:
                problems.append(f"table {name} is missing")
                continue
            expected = {c._meta.db_column_name for c in table._meta.columns}
            if expected - columns:
                problems.append(f"{name}: columns not migrated: {sorted(expected - columns)}")
            present = await _constraints(name)
            for constraint in table._meta.constraints:
                if constraint._meta.name not in present:
                    problems.append(f"{name}: constraint {constraint._meta.name} not migrated")
    assert not problems, "\n".join(problems)


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
