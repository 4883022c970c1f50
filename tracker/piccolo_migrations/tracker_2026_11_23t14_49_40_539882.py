"""Users may have an e-mail address, where the daily digest is mailed"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T14:49:40:539882"
VERSION = "1.38.0"
DESCRIPTION = 'Users may have an e-mail address, where the daily digest is mailed'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['ALTER TABLE "app_user" ADD COLUMN "email" VARCHAR(254) DEFAULT null CONSTRAINT '
            "email_looks_like_address CHECK (email IS NULL OR email LIKE '_%@_%')"],
 'postgres': ['ALTER TABLE "app_user" ADD COLUMN "email" VARCHAR(254) DEFAULT null CONSTRAINT '
              "email_looks_like_address CHECK (email IS NULL OR email LIKE '_%@_%')"]}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
