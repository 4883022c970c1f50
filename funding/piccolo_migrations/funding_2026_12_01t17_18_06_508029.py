"""Funding: monthly report versions and monitor alerts"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:18:06:508029"
VERSION = "1.38.0"
DESCRIPTION = 'Funding: monthly report versions and monitor alerts'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "funding_report" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "month" DATE NOT NULL DEFAULT CURRENT_DATE, "version" INTEGER NOT NULL DEFAULT '
            '1, "status" VARCHAR(20) NOT NULL DEFAULT \'draft\', "i104_fen" INTEGER NOT NULL '
            'DEFAULT 0, "i105_fen" INTEGER NOT NULL DEFAULT 0, "i106_fen" INTEGER NOT NULL DEFAULT '
            '0, "i107_fen" INTEGER NOT NULL DEFAULT 0, "i108_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i109_fen" INTEGER NOT NULL DEFAULT 0, "i110_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i111_fen" INTEGER NOT NULL DEFAULT 0, "i112_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i113_fen" INTEGER NOT NULL DEFAULT 0, "i114_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i115_fen" INTEGER NOT NULL DEFAULT 0, "i116_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i117_fen" INTEGER NOT NULL DEFAULT 0, "i118_fen" INTEGER NOT NULL DEFAULT 0, '
            '"i120_fen" INTEGER NOT NULL DEFAULT 0, "credit_fen" INTEGER NOT NULL DEFAULT 0, '
            '"total_investment_fen" INTEGER NOT NULL DEFAULT 0, "arrived_to_date_fen" INTEGER NOT '
            'NULL DEFAULT 0, "gap_fen" INTEGER NOT NULL DEFAULT 0, "gap_arranged_fen" INTEGER NOT '
            'NULL DEFAULT 0, "gap_arrangement" TEXT NOT NULL DEFAULT \'\', "remarks" TEXT NOT NULL '
            'DEFAULT \'\', "deviation" VARCHAR(20) DEFAULT null, "arrival_rate" NUMERIC(7, 4) '
            'DEFAULT null, "year_progress_rate" NUMERIC(7, 4) DEFAULT null, "deadline" DATE NOT '
            'NULL DEFAULT CURRENT_DATE, "prefilled_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "submitted_at" TIMESTAMPTZ DEFAULT null, "submitted_by" INTEGER '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"correction_reason" TEXT NOT NULL DEFAULT \'\', "created_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, CONSTRAINT funding_report_version_unique UNIQUE '
            '("project", "month", "version"), CONSTRAINT status_known CHECK ("status" IN '
            "('pending', 'draft', 'submitted')), CONSTRAINT deviation_known CHECK "
            '("deviation" IS NULL OR "deviation" IN (\'normal\', \'deviating\', \'serious\')), '
            'CONSTRAINT version_positive CHECK ("version" >= 1), CONSTRAINT figures_not_negative '
            'CHECK (i107_fen >= 0 AND i108_fen >= 0 AND i109_fen >= 0 AND i110_fen >= 0 AND '
            'i111_fen >= 0 AND i112_fen >= 0 AND i113_fen >= 0 AND i114_fen >= 0 AND i116_fen >= 0 '
            'AND i117_fen >= 0 AND i118_fen >= 0 AND i120_fen >= 0 AND credit_fen >= 0 AND '
            'total_investment_fen >= 0 AND arrived_to_date_fen >= 0 AND gap_fen >= 0 AND '
            'gap_arranged_fen >= 0), CONSTRAINT indicator_tree CHECK (i106_fen = i107_fen + '
            'i108_fen + i109_fen + i110_fen AND i105_fen = i106_fen + i111_fen + i112_fen + '
            'i113_fen + i114_fen AND i115_fen = i116_fen + i117_fen + i118_fen AND i104_fen = '
            'i105_fen + i115_fen + i120_fen), CONSTRAINT submitted_has_time CHECK (status <> '
            "'submitted' OR (submitted_at IS NOT NULL)), CONSTRAINT correction_has_reason CHECK "
            "(version = 1 OR correction_reason <> ''))",
            'CREATE INDEX funding_report_project ON "funding_report" ("project")',
            'CREATE TABLE "funding_alert" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "kind" VARCHAR(30) NOT NULL DEFAULT \'\', "subject" VARCHAR(80) NOT NULL '
            'DEFAULT \'\', "open_subject" VARCHAR(80) DEFAULT null, "level" VARCHAR(20) NOT NULL '
            'DEFAULT \'\', "detail" JSON NOT NULL DEFAULT \'{}\', "first_seen" TIMESTAMPTZ NOT '
            'NULL DEFAULT current_timestamp, "last_seen" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "resolved_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
            'funding_alert_one_open UNIQUE ("kind", "open_subject"), CONSTRAINT kind_known CHECK '
            '("kind" IN (\'idle_money\', \'transfer_not_paid_on\', \'ahead_of_progress\', '
            "'gap_unarranged', 'serious_deviation', 'debt_due', 'coverage_low')), CONSTRAINT "
            'level_known CHECK ("level" IN (\'warning\', \'alarm\')), CONSTRAINT open_or_resolved '
            'CHECK ((resolved_at IS NULL AND open_subject = subject) OR (resolved_at IS NOT NULL '
            'AND open_subject IS NULL)))',
            'CREATE INDEX funding_alert_project ON "funding_alert" ("project")'],
 'postgres': ['CREATE TABLE "funding_report" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "month" DATE NOT NULL DEFAULT CURRENT_DATE, "version" INTEGER NOT NULL '
              'DEFAULT 1, "status" VARCHAR(20) NOT NULL DEFAULT \'draft\', "i104_fen" BIGINT NOT '
              'NULL DEFAULT 0, "i105_fen" BIGINT NOT NULL DEFAULT 0, "i106_fen" BIGINT NOT NULL '
              'DEFAULT 0, "i107_fen" BIGINT NOT NULL DEFAULT 0, "i108_fen" BIGINT NOT NULL DEFAULT '
              '0, "i109_fen" BIGINT NOT NULL DEFAULT 0, "i110_fen" BIGINT NOT NULL DEFAULT 0, '
              '"i111_fen" BIGINT NOT NULL DEFAULT 0, "i112_fen" BIGINT NOT NULL DEFAULT 0, '
              '"i113_fen" BIGINT NOT NULL DEFAULT 0, "i114_fen" BIGINT NOT NULL DEFAULT 0, '
              '"i115_fen" BIGINT NOT NULL DEFAULT 0, "i116_fen" BIGINT NOT NULL DEFAULT 0, '
              '"i117_fen" BIGINT NOT NULL DEFAULT 0, "i118_fen" BIGINT NOT NULL DEFAULT 0, '
              '"i120_fen" BIGINT NOT NULL DEFAULT 0, "credit_fen" BIGINT NOT NULL DEFAULT 0, '
              '"total_investment_fen" BIGINT NOT NULL DEFAULT 0, "arrived_to_date_fen" BIGINT NOT '
              'NULL DEFAULT 0, "gap_fen" BIGINT NOT NULL DEFAULT 0, "gap_arranged_fen" BIGINT NOT '
              'NULL DEFAULT 0, "gap_arrangement" TEXT NOT NULL DEFAULT \'\', "remarks" TEXT NOT '
              'NULL DEFAULT \'\', "deviation" VARCHAR(20) DEFAULT null, "arrival_rate" NUMERIC(7, '
              '4) DEFAULT null, "year_progress_rate" NUMERIC(7, 4) DEFAULT null, "deadline" DATE '
              'NOT NULL DEFAULT CURRENT_DATE, "prefilled_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "submitted_at" TIMESTAMPTZ DEFAULT null, "submitted_by" INTEGER '
              'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"correction_reason" TEXT NOT NULL DEFAULT \'\', "created_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, CONSTRAINT funding_report_version_unique UNIQUE '
              '("project", "month", "version"), CONSTRAINT status_known CHECK ("status" IN '
              "('pending', 'draft', 'submitted')), CONSTRAINT deviation_known CHECK "
              '("deviation" IS NULL OR "deviation" IN (\'normal\', \'deviating\', \'serious\')), '
              'CONSTRAINT version_positive CHECK ("version" >= 1), CONSTRAINT figures_not_negative '
              'CHECK (i107_fen >= 0 AND i108_fen >= 0 AND i109_fen >= 0 AND i110_fen >= 0 AND '
              'i111_fen >= 0 AND i112_fen >= 0 AND i113_fen >= 0 AND i114_fen >= 0 AND i116_fen >= '
              '0 AND i117_fen >= 0 AND i118_fen >= 0 AND i120_fen >= 0 AND credit_fen >= 0 AND '
              'total_investment_fen >= 0 AND arrived_to_date_fen >= 0 AND gap_fen >= 0 AND '
              'gap_arranged_fen >= 0), CONSTRAINT indicator_tree CHECK (i106_fen = i107_fen + '
              'i108_fen + i109_fen + i110_fen AND i105_fen = i106_fen + i111_fen + i112_fen + '
              'i113_fen + i114_fen AND i115_fen = i116_fen + i117_fen + i118_fen AND i104_fen = '
              'i105_fen + i115_fen + i120_fen), CONSTRAINT submitted_has_time CHECK (status <> '
              "'submitted' OR (submitted_at IS NOT NULL)), CONSTRAINT correction_has_reason CHECK "
              "(version = 1 OR correction_reason <> ''))",
              'CREATE INDEX funding_report_project ON "funding_report" USING btree ("project")',
              'CREATE TABLE "funding_alert" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "kind" VARCHAR(30) NOT NULL DEFAULT \'\', "subject" VARCHAR(80) NOT NULL '
              'DEFAULT \'\', "open_subject" VARCHAR(80) DEFAULT null, "level" VARCHAR(20) NOT NULL '
              'DEFAULT \'\', "detail" JSON NOT NULL DEFAULT \'{}\', "first_seen" TIMESTAMPTZ NOT '
              'NULL DEFAULT current_timestamp, "last_seen" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "resolved_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
              'funding_alert_one_open UNIQUE ("kind", "open_subject"), CONSTRAINT kind_known CHECK '
              '("kind" IN (\'idle_money\', \'transfer_not_paid_on\', \'ahead_of_progress\', '
              "'gap_unarranged', 'serious_deviation', 'debt_due', 'coverage_low')), CONSTRAINT "
              'level_known CHECK ("level" IN (\'warning\', \'alarm\')), CONSTRAINT '
              'open_or_resolved CHECK ((resolved_at IS NULL AND open_subject = subject) OR '
              '(resolved_at IS NOT NULL AND open_subject IS NULL)))',
              'CREATE INDEX funding_alert_project ON "funding_alert" USING btree ("project")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='funding', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
