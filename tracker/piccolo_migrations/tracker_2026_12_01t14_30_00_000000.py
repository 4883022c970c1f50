"""Item costs SQLite stored beyond NUMERIC(14, 2) (1e400 became an infinite REAL) are cleared to unknown"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = 'Item costs SQLite stored beyond NUMERIC(14, 2) (1e400 became an infinite REAL) are cleared to unknown'

# SQLite does not enforce a NUMERIC's digits: before the schemas bounded money, a cost of 1e400 was
# stored as an infinite REAL (or NaN as text) and every list showing the item failed. Such a value
# carries no amount, so it becomes NULL (no estimate). PostgreSQL never stored one: its column refuses.
STATEMENTS = {'sqlite': [f'UPDATE "consultation_item" SET "{column}" = NULL WHERE "{column}" IS NOT NULL '
                         f'AND (typeof("{column}") NOT IN (\'integer\', \'real\') OR abs("{column}") >= 1e12)'
                         for column in ('estimated_cost', 'resident_share')],
              'postgres': []}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
