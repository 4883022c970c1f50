"""Emergency stop-work orders record when the written report reached the owner"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T13:00:45:518633"
VERSION = "1.38.0"
DESCRIPTION = 'Emergency stop-work orders record when the written report reached the owner'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['ALTER TABLE "stop_work_order" ADD COLUMN "report_submitted_at" TIMESTAMPTZ DEFAULT '
            'null'],
 'postgres': ['ALTER TABLE "stop_work_order" ADD COLUMN "report_submitted_at" TIMESTAMPTZ DEFAULT '
              'null']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='inspections', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
