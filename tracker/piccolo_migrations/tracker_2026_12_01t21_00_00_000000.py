"""Consultations name their organiser and a contact phone, printed on the voting letters"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Consultations name their organiser and a contact phone, printed on the voting letters"

# Columns with a default and no constraint: SQLite adds them in place, no table rebuild.
STATEMENTS = {
    "sqlite": ['ALTER TABLE "consultation" ADD COLUMN "organiser" VARCHAR(120) NOT NULL DEFAULT \'\'',
               'ALTER TABLE "consultation" ADD COLUMN "contact_phone" VARCHAR(40) NOT NULL DEFAULT \'\''],
    "postgres": ['ALTER TABLE "consultation" ADD COLUMN "organiser" VARCHAR(120) NOT NULL DEFAULT \'\'',
                 'ALTER TABLE "consultation" ADD COLUMN "contact_phone" VARCHAR(40) NOT NULL DEFAULT \'\''],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
