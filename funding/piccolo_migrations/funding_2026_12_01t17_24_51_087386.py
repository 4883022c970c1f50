"""Spending: a transfer's onward payments reference it with NO ACTION, so a chain can be deleted in one statement"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:24:51:087386"
VERSION = "1.38.0"
DESCRIPTION = "Spending: a transfer's onward payments reference it with NO ACTION, so a chain can be deleted in one statement"

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "spending_rebuilt" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "allocation" INTEGER NOT NULL REFERENCES "allocation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "spent_on" '
            'DATE NOT NULL DEFAULT CURRENT_DATE, "amount_fen" INTEGER NOT NULL DEFAULT 0, "payee" '
            'VARCHAR(200) NOT NULL DEFAULT \'\', "voucher_no" VARCHAR(60) NOT NULL DEFAULT \'\', '
            '"purpose" VARCHAR(500) NOT NULL DEFAULT \'\', "from_transfer" INTEGER REFERENCES '
            '"spending_rebuilt" ("id") ON DELETE NO ACTION ON UPDATE CASCADE DEFAULT null, '
            '"onward_fen" INTEGER NOT NULL DEFAULT 0, "recorded_by" INTEGER REFERENCES "app_user" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" TIMESTAMPTZ '
            'NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" IN '
            '(\'payment\', \'transfer\')), CONSTRAINT amount_positive CHECK ("amount_fen" > 0), '
            'CONSTRAINT onward_within_transfer CHECK (("onward_fen" >= 0 AND "onward_fen" <= '
            '"amount_fen")), CONSTRAINT spending_voucher_unique UNIQUE ("project", "voucher_no"))',
            'INSERT INTO "spending_rebuilt" SELECT * FROM "spending" ORDER BY "id"',
            'UPDATE "spending" SET "from_transfer" = NULL',
            'DROP TABLE "spending"',
            'ALTER TABLE "spending_rebuilt" RENAME TO "spending"',
            'CREATE INDEX spending_project ON "spending" ("project")',
            'CREATE INDEX spending_allocation ON "spending" ("allocation")',
            'CREATE INDEX spending_from_transfer ON "spending" ("from_transfer")'],
 'postgres': ['ALTER TABLE "spending" DROP CONSTRAINT "spending_from_transfer_fkey"',
              'ALTER TABLE "spending" ADD CONSTRAINT "spending_from_transfer_fkey" FOREIGN KEY '
              '("from_transfer") REFERENCES "spending" ("id") ON DELETE NO ACTION ON UPDATE '
              'CASCADE']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='funding', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
