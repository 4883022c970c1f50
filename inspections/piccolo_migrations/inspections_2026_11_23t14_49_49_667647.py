"""Digest e-mails: one per user and day, with its attempts and outcome"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T14:49:49:667647"
VERSION = "1.38.0"
DESCRIPTION = 'Digest e-mails: one per user and day, with its attempts and outcome'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "inbox_mail" ("id" INTEGER PRIMARY KEY NOT NULL, "user" INTEGER NOT NULL '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "day" '
            'DATE NOT NULL DEFAULT CURRENT_DATE, "recipient" VARCHAR(254) NOT NULL DEFAULT \'\', '
            '"status" VARCHAR(20) NOT NULL DEFAULT \'\', "attempts" INTEGER NOT NULL DEFAULT 1, '
            '"last_attempt_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "sent_at" '
            'TIMESTAMPTZ DEFAULT null, "error" TEXT NOT NULL DEFAULT \'\', "message_id" '
            'VARCHAR(255) NOT NULL DEFAULT \'\', CONSTRAINT inbox_mail_unique UNIQUE ("user", '
            '"day"), CONSTRAINT mail_status_known CHECK ("status" IN (\'sending\', \'sent\', '
            "'failed')), CONSTRAINT sent_has_time CHECK (status <> 'sent' OR sent_at IS NOT NULL), "
            'CONSTRAINT attempts_positive CHECK (attempts >= 1))'],
 'postgres': ['CREATE TABLE "inbox_mail" ("id" SERIAL PRIMARY KEY NOT NULL, "user" INTEGER NOT '
              'NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "day" DATE NOT NULL DEFAULT CURRENT_DATE, "recipient" VARCHAR(254) NOT NULL '
              'DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT \'\', "attempts" INTEGER NOT '
              'NULL DEFAULT 1, "last_attempt_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              '"sent_at" TIMESTAMPTZ DEFAULT null, "error" TEXT NOT NULL DEFAULT \'\', '
              '"message_id" VARCHAR(255) NOT NULL DEFAULT \'\', CONSTRAINT inbox_mail_unique '
              'UNIQUE ("user", "day"), CONSTRAINT mail_status_known CHECK ("status" IN '
              "('sending', 'sent', 'failed')), CONSTRAINT sent_has_time CHECK (status <> 'sent' OR "
              'sent_at IS NOT NULL), CONSTRAINT attempts_positive CHECK (attempts >= 1))']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='inspections', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
