"""Projects can be archived (read-only from then on)"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T18:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Projects can be archived (read-only from then on)"

# A nullable column with no constraint: SQLite can add it in place, no table rebuild.
STATEMENTS = {
    "sqlite": ['ALTER TABLE "project" ADD COLUMN "archived_at" TIMESTAMPTZ DEFAULT null'],
    "postgres": ['ALTER TABLE "project" ADD COLUMN "archived_at" TIMESTAMPTZ DEFAULT null'],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
