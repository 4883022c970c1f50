"""Add export jobs: long documents made in the background with progress"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T20:52:16:718816"
VERSION = "1.38.0"
DESCRIPTION = 'Add export jobs: long documents made in the background with progress'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "export_job" ("id" INTEGER PRIMARY KEY NOT NULL, "kind" VARCHAR(60) NOT '
            'NULL DEFAULT \'\', "project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "subject_id" INTEGER NOT NULL DEFAULT 0, '
            '"requested_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT \'queued\', "done" '
            'INTEGER NOT NULL DEFAULT 0, "total" INTEGER NOT NULL DEFAULT 0, "error" TEXT NOT NULL '
            'DEFAULT \'\', "filename" VARCHAR(200) NOT NULL DEFAULT \'\', "media_type" '
            'VARCHAR(100) NOT NULL DEFAULT \'application/pdf\', "content" BLOB DEFAULT null, '
            '"runner" VARCHAR(64) NOT NULL DEFAULT \'\', "heartbeat_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "finished_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
            'export_job_status_known CHECK ("status" IN (\'queued\', \'running\', \'done\', '
            '\'failed\')), CONSTRAINT export_job_progress_bounded CHECK ("done" >= 0 AND "done" <= '
            '"total"), CONSTRAINT export_job_done_has_file CHECK ("status" <> \'done\' OR '
            '"content" IS NOT NULL))',
            'CREATE INDEX export_job_project ON "export_job" ("project")'],
 'postgres': ['CREATE TABLE "export_job" ("id" SERIAL PRIMARY KEY NOT NULL, "kind" VARCHAR(60) NOT '
              'NULL DEFAULT \'\', "project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "subject_id" INTEGER NOT NULL DEFAULT 0, '
              '"requested_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT \'queued\', "done" '
              'INTEGER NOT NULL DEFAULT 0, "total" INTEGER NOT NULL DEFAULT 0, "error" TEXT NOT '
              'NULL DEFAULT \'\', "filename" VARCHAR(200) NOT NULL DEFAULT \'\', "media_type" '
              'VARCHAR(100) NOT NULL DEFAULT \'application/pdf\', "content" BYTEA DEFAULT null, '
              '"runner" VARCHAR(64) NOT NULL DEFAULT \'\', "heartbeat_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "finished_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
              'export_job_status_known CHECK ("status" IN (\'queued\', \'running\', \'done\', '
              '\'failed\')), CONSTRAINT export_job_progress_bounded CHECK ("done" >= 0 AND "done" '
              '<= "total"), CONSTRAINT export_job_done_has_file CHECK ("status" <> \'done\' OR '
              '"content" IS NOT NULL))',
              'CREATE INDEX export_job_project ON "export_job" USING btree ("project")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
