"""Photos have a purpose for the contractor's photo before rectification (整改前)"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T18:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Photos have a purpose for the contractor's photo before rectification"

# The reply form takes evidence per issue labelled 整改前 (before) and 整改后 (after, the existing
# "evidence"). PostgreSQL swaps the check; SQLite cannot alter a check, so the table is rebuilt with
# the same columns and indexes (no table references photo).
STATEMENTS = {
    "sqlite": [
        'CREATE TABLE "photo_new" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "issue" INTEGER REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "report" INTEGER REFERENCES "defect_report" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "purpose" VARCHAR(20) NOT NULL DEFAULT \'\', "round" INTEGER NOT NULL DEFAULT 0, "content_type" VARCHAR(40) NOT NULL DEFAULT \'\', "size" INTEGER NOT NULL DEFAULT 0, "sha256" VARCHAR(64) NOT NULL DEFAULT \'\', "path" VARCHAR(255) NOT NULL DEFAULT \'\', "thumb_path" VARCHAR(255) NOT NULL DEFAULT \'\', "uploaded_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT purpose_known CHECK ("purpose" IN (\'finding\', \'evidence\', \'report\', \'before\')), CONSTRAINT content_type_known CHECK ("content_type" IN (\'image/jpeg\', \'image/png\')))',
        'INSERT INTO "photo_new" SELECT * FROM "photo"',
        'DROP TABLE "photo"',
        'ALTER TABLE "photo_new" RENAME TO "photo"',
        'CREATE INDEX photo_project ON "photo" ("project")',
        'CREATE INDEX photo_issue ON "photo" ("issue")',
    ],
    "postgres": [
        'ALTER TABLE "photo" DROP CONSTRAINT purpose_known',
        'ALTER TABLE "photo" ADD CONSTRAINT purpose_known CHECK ("purpose" IN (\'finding\', \'evidence\', \'report\', \'before\'))',
    ],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
