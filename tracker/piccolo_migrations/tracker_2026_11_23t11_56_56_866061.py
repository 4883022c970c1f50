"""Add consultations: items, frozen roll, ballot sheets, counted ballots, snapshots, decisions, signing, lotteries"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T11:56:56:866061"
VERSION = "1.38.0"
DESCRIPTION = 'Add consultations: items, frozen roll, ballot sheets, counted ballots, snapshots, decisions, signing, lotteries'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "consultation" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"title" VARCHAR(200) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"scope" VARCHAR(20) NOT NULL DEFAULT \'project\', "building" INTEGER REFERENCES '
            '"building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "stairwell" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "round_no" INTEGER NOT NULL DEFAULT 1, "previous" '
            'INTEGER REFERENCES "consultation" ("id") ON DELETE NO ACTION ON UPDATE CASCADE '
            'DEFAULT null, "opens_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "closes_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "visibility" VARCHAR(20) NOT NULL '
            'DEFAULT \'after_close\', "status" VARCHAR(20) NOT NULL DEFAULT \'draft\', "rule_key" '
            'VARCHAR(40) NOT NULL DEFAULT \'\', "rule_params" TEXT NOT NULL DEFAULT \'{}\', '
            '"non_voters_agree" BOOLEAN NOT NULL DEFAULT false, "lock_ballots" BOOLEAN NOT NULL '
            'DEFAULT false, "code_salt" VARCHAR(64) NOT NULL DEFAULT \'\', "opened_at" TIMESTAMPTZ '
            'DEFAULT null, "closed_at" TIMESTAMPTZ DEFAULT null, "decided_at" TIMESTAMPTZ DEFAULT '
            'null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
            'kind_known CHECK ("kind" IN (\'retrofit_menu\', \'intent\', \'signing\', '
            '\'owners_decision\')), CONSTRAINT scope_known CHECK ("scope" IN (\'project\', '
            '\'building\', \'stairwell\')), CONSTRAINT visibility_known CHECK ("visibility" IN '
            '(\'live\', \'after_close\')), CONSTRAINT status_known CHECK ("status" IN (\'draft\', '
            '\'open\', \'closed\', \'decided\')), CONSTRAINT window_ordered CHECK ("closes_at" > '
            '"opens_at"), CONSTRAINT round_positive CHECK ("round_no" >= 1))',
            'CREATE INDEX consultation_project ON "consultation" ("project")',
            'CREATE INDEX consultation_status ON "consultation" ("status")',
            'CREATE TABLE "consultation_item" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" '
            'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "position" INTEGER NOT NULL DEFAULT 0, "item_class" VARCHAR(20) '
            'NOT NULL DEFAULT \'question\', "description" TEXT NOT NULL DEFAULT \'\', '
            '"estimated_cost" NUMERIC(14, 2) DEFAULT null, "resident_share" NUMERIC(14, 2) DEFAULT '
            'null, "asks_again" INTEGER REFERENCES "consultation_item" ("id") ON DELETE NO ACTION '
            'ON UPDATE CASCADE DEFAULT null, CONSTRAINT consultation_item_position_unique UNIQUE '
            '("consultation", "position"), CONSTRAINT item_class_known CHECK ("item_class" IN '
            "('safety', 'basic', 'improvement', 'upgrade', 'question')), CONSTRAINT "
            'costs_not_negative CHECK ((("estimated_cost" IS NULL OR "estimated_cost" >= 0) AND '
            '("resident_share" IS NULL OR "resident_share" >= 0))))',
            'CREATE INDEX consultation_item_consultation ON "consultation_item" ("consultation")',
            'CREATE TABLE "consultation_roll_entry" ("id" INTEGER PRIMARY KEY NOT NULL, '
            '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "household" INTEGER NOT NULL REFERENCES "household" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "certificate_no" '
            'VARCHAR(80) NOT NULL DEFAULT \'\', "holder_names" VARCHAR(255) NOT NULL DEFAULT \'\', '
            '"area" NUMERIC(12, 2) NOT NULL DEFAULT 0, "area_centi" INTEGER NOT NULL DEFAULT 0, '
            '"owner_key" VARCHAR(128) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT NULL DEFAULT '
            '\'\', "office" VARCHAR(80) NOT NULL DEFAULT \'\', "subdistrict" VARCHAR(80) NOT NULL '
            'DEFAULT \'\', "building" VARCHAR(80) NOT NULL DEFAULT \'\', "stairwell" VARCHAR(20) '
            'NOT NULL DEFAULT \'\', "code_hash" VARCHAR(64) UNIQUE DEFAULT null, CONSTRAINT '
            'consultation_roll_entry_title_unique UNIQUE ("consultation", "household"), CONSTRAINT '
            'roll_area_positive CHECK ("area_centi" > 0), CONSTRAINT roll_kind_known CHECK ("kind" '
            "IN ('resident', 'work_unit', 'developer_unsold')))",
            'CREATE INDEX consultation_roll_entry_consultation ON "consultation_roll_entry" '
            '("consultation")',
            'CREATE INDEX consultation_roll_entry_household ON "consultation_roll_entry" '
            '("household")',
            'CREATE TABLE "ballot_sheet" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" '
            'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
            '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"channel" VARCHAR(20) NOT NULL DEFAULT \'\', "choices" TEXT NOT NULL DEFAULT \'\', '
            '"second_choices" TEXT DEFAULT null, "invalid_reason" TEXT NOT NULL DEFAULT \'\', '
            '"proxy_name" VARCHAR(120) NOT NULL DEFAULT \'\', "proxy_reference" VARCHAR(120) NOT '
            'NULL DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT \'\', "receipt_no" '
            'VARCHAR(40) UNIQUE NOT NULL DEFAULT \'\', "entered_by" INTEGER REFERENCES "app_user" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "confirmed_by" INTEGER '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "counted_at" TIMESTAMPTZ '
            'DEFAULT null, CONSTRAINT sheet_channel_known CHECK ("channel" IN (\'web\', \'paper\', '
            '\'door_to_door\', \'signing\')), CONSTRAINT sheet_status_known CHECK ("status" IN '
            "('pending', 'counted', 'superseded', 'mismatch', 'rejected')), CONSTRAINT "
            'proxy_has_reference CHECK ("proxy_name" = \'\' OR "proxy_reference" <> \'\'), '
            'CONSTRAINT second_person_confirms CHECK ("confirmed_by" IS NULL OR "entered_by" IS '
            'NULL OR "confirmed_by" <> "entered_by"))',
            'CREATE INDEX ballot_sheet_consultation ON "ballot_sheet" ("consultation")',
            'CREATE INDEX ballot_sheet_roll_entry ON "ballot_sheet" ("roll_entry")',
            'CREATE TABLE "counted_ballot" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" '
            'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
            '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "choice" VARCHAR(10) NOT NULL DEFAULT \'\', "sheet" '
            'INTEGER NOT NULL REFERENCES "ballot_sheet" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, CONSTRAINT counted_ballot_one_per_title_item UNIQUE '
            '("consultation", "roll_entry", "item"), CONSTRAINT counted_choice_known CHECK '
            '("choice" IN (\'agree\', \'oppose\', \'abstain\', \'invalid\')))',
            'CREATE INDEX counted_ballot_roll_entry ON "counted_ballot" ("roll_entry")',
            'CREATE INDEX counted_ballot_item ON "counted_ballot" ("item")',
            'CREATE TABLE "vote_attempt" ("id" INTEGER PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
            'NOT NULL DEFAULT \'\', "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
            'CREATE INDEX vote_attempt_key ON "vote_attempt" ("key")',
            'CREATE INDEX vote_attempt_at ON "vote_attempt" ("at")',
            'CREATE TABLE "consultation_snapshot" ("id" INTEGER PRIMARY KEY NOT NULL, '
            '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "taken_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"taken_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "tally" TEXT NOT NULL '
            'DEFAULT \'\', CONSTRAINT consultation_snapshot_day_unique UNIQUE ("consultation", '
            '"taken_on"))',
            'CREATE INDEX consultation_snapshot_consultation ON "consultation_snapshot" '
            '("consultation")',
            'CREATE TABLE "consultation_decision" ("id" INTEGER PRIMARY KEY NOT NULL, '
            '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES '
            '"consultation_item" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"passed" BOOLEAN NOT NULL DEFAULT false, "rule_key" VARCHAR(40) NOT NULL DEFAULT '
            '\'\', "reasons" TEXT NOT NULL DEFAULT \'\', "counts" TEXT NOT NULL DEFAULT \'\', '
            '"non_voters_agree" BOOLEAN NOT NULL DEFAULT false, "decided_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, CONSTRAINT consultation_decision_item_unique UNIQUE '
            '("consultation", "item"))',
            'CREATE INDEX consultation_decision_consultation ON "consultation_decision" '
            '("consultation")',
            'CREATE TABLE "signing_progress" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" '
            'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
            '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"signed_on" DATE DEFAULT null, "sealed_on" DATE DEFAULT null, "moved_on" DATE DEFAULT '
            'null, CONSTRAINT signing_progress_entry_unique UNIQUE ("roll_entry"), CONSTRAINT '
            'sealed_after_signing CHECK ("sealed_on" IS NULL OR "signed_on" IS NOT NULL), '
            'CONSTRAINT moved_after_signing CHECK ("moved_on" IS NULL OR "signed_on" IS NOT NULL))',
            'CREATE INDEX signing_progress_consultation ON "signing_progress" ("consultation")',
            'CREATE TABLE "lottery" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" INTEGER NOT '
            'NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "purpose" VARCHAR(40) NOT NULL DEFAULT \'\', "seed" VARCHAR(200) NOT NULL '
            'DEFAULT \'\', "drawn_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "result" '
            'TEXT NOT NULL DEFAULT \'\', "result_hash" VARCHAR(64) NOT NULL DEFAULT \'\', '
            'CONSTRAINT lottery_purpose_unique UNIQUE ("consultation", "purpose"))',
            'CREATE INDEX lottery_consultation ON "lottery" ("consultation")'],
 'postgres': ['CREATE TABLE "consultation" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "title" VARCHAR(200) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT NULL '
              'DEFAULT \'\', "scope" VARCHAR(20) NOT NULL DEFAULT \'project\', "building" INTEGER '
              'REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"stairwell" VARCHAR(20) NOT NULL DEFAULT \'\', "round_no" INTEGER NOT NULL DEFAULT '
              '1, "previous" INTEGER REFERENCES "consultation" ("id") ON DELETE NO ACTION ON '
              'UPDATE CASCADE DEFAULT null, "opens_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "closes_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              '"visibility" VARCHAR(20) NOT NULL DEFAULT \'after_close\', "status" VARCHAR(20) NOT '
              'NULL DEFAULT \'draft\', "rule_key" VARCHAR(40) NOT NULL DEFAULT \'\', "rule_params" '
              'TEXT NOT NULL DEFAULT \'{}\', "non_voters_agree" BOOLEAN NOT NULL DEFAULT false, '
              '"lock_ballots" BOOLEAN NOT NULL DEFAULT false, "code_salt" VARCHAR(64) NOT NULL '
              'DEFAULT \'\', "opened_at" TIMESTAMPTZ DEFAULT null, "closed_at" TIMESTAMPTZ DEFAULT '
              'null, "decided_at" TIMESTAMPTZ DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" IN '
              "('retrofit_menu', 'intent', 'signing', 'owners_decision')), CONSTRAINT scope_known "
              'CHECK ("scope" IN (\'project\', \'building\', \'stairwell\')), CONSTRAINT '
              'visibility_known CHECK ("visibility" IN (\'live\', \'after_close\')), CONSTRAINT '
              'status_known CHECK ("status" IN (\'draft\', \'open\', \'closed\', \'decided\')), '
              'CONSTRAINT window_ordered CHECK ("closes_at" > "opens_at"), CONSTRAINT '
              'round_positive CHECK ("round_no" >= 1))',
              'CREATE INDEX consultation_project ON "consultation" USING btree ("project")',
              'CREATE INDEX consultation_status ON "consultation" USING btree ("status")',
              'CREATE TABLE "consultation_item" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" '
              'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "position" INTEGER NOT NULL DEFAULT 0, "item_class" '
              'VARCHAR(20) NOT NULL DEFAULT \'question\', "description" TEXT NOT NULL DEFAULT '
              '\'\', "estimated_cost" NUMERIC(14, 2) DEFAULT null, "resident_share" NUMERIC(14, 2) '
              'DEFAULT null, "asks_again" INTEGER REFERENCES "consultation_item" ("id") ON DELETE '
              'NO ACTION ON UPDATE CASCADE DEFAULT null, CONSTRAINT '
              'consultation_item_position_unique UNIQUE ("consultation", "position"), CONSTRAINT '
              'item_class_known CHECK ("item_class" IN (\'safety\', \'basic\', \'improvement\', '
              "'upgrade', 'question')), CONSTRAINT costs_not_negative CHECK "
              '((("estimated_cost" IS NULL OR "estimated_cost" >= 0) AND ("resident_share" IS NULL '
              'OR "resident_share" >= 0))))',
              'CREATE INDEX consultation_item_consultation ON "consultation_item" USING btree '
              '("consultation")',
              'CREATE TABLE "consultation_roll_entry" ("id" SERIAL PRIMARY KEY NOT NULL, '
              '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "household" INTEGER NOT NULL REFERENCES "household" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "certificate_no" '
              'VARCHAR(80) NOT NULL DEFAULT \'\', "holder_names" VARCHAR(255) NOT NULL DEFAULT '
              '\'\', "area" NUMERIC(12, 2) NOT NULL DEFAULT 0, "area_centi" INTEGER NOT NULL '
              'DEFAULT 0, "owner_key" VARCHAR(128) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT '
              'NULL DEFAULT \'\', "office" VARCHAR(80) NOT NULL DEFAULT \'\', "subdistrict" '
              'VARCHAR(80) NOT NULL DEFAULT \'\', "building" VARCHAR(80) NOT NULL DEFAULT \'\', '
              '"stairwell" VARCHAR(20) NOT NULL DEFAULT \'\', "code_hash" VARCHAR(64) UNIQUE '
              'DEFAULT null, CONSTRAINT consultation_roll_entry_title_unique UNIQUE '
              '("consultation", "household"), CONSTRAINT roll_area_positive CHECK ("area_centi" > '
              '0), CONSTRAINT roll_kind_known CHECK ("kind" IN (\'resident\', \'work_unit\', '
              "'developer_unsold')))",
              'CREATE INDEX consultation_roll_entry_consultation ON "consultation_roll_entry" '
              'USING btree ("consultation")',
              'CREATE INDEX consultation_roll_entry_household ON "consultation_roll_entry" USING '
              'btree ("household")',
              'CREATE TABLE "ballot_sheet" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" '
              'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
              '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"channel" VARCHAR(20) NOT NULL DEFAULT \'\', "choices" TEXT NOT NULL DEFAULT \'\', '
              '"second_choices" TEXT DEFAULT null, "invalid_reason" TEXT NOT NULL DEFAULT \'\', '
              '"proxy_name" VARCHAR(120) NOT NULL DEFAULT \'\', "proxy_reference" VARCHAR(120) NOT '
              'NULL DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT \'\', "receipt_no" '
              'VARCHAR(40) UNIQUE NOT NULL DEFAULT \'\', "entered_by" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "confirmed_by" '
              'INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "counted_at" '
              'TIMESTAMPTZ DEFAULT null, CONSTRAINT sheet_channel_known CHECK ("channel" IN '
              "('web', 'paper', 'door_to_door', 'signing')), CONSTRAINT sheet_status_known CHECK "
              '("status" IN (\'pending\', \'counted\', \'superseded\', \'mismatch\', '
              '\'rejected\')), CONSTRAINT proxy_has_reference CHECK ("proxy_name" = \'\' OR '
              '"proxy_reference" <> \'\'), CONSTRAINT second_person_confirms CHECK ("confirmed_by" '
              'IS NULL OR "entered_by" IS NULL OR "confirmed_by" <> "entered_by"))',
              'CREATE INDEX ballot_sheet_consultation ON "ballot_sheet" USING btree '
              '("consultation")',
              'CREATE INDEX ballot_sheet_roll_entry ON "ballot_sheet" USING btree ("roll_entry")',
              'CREATE TABLE "counted_ballot" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" '
              'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
              '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "choice" VARCHAR(10) NOT NULL DEFAULT \'\', "sheet" '
              'INTEGER NOT NULL REFERENCES "ballot_sheet" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, CONSTRAINT counted_ballot_one_per_title_item UNIQUE '
              '("consultation", "roll_entry", "item"), CONSTRAINT counted_choice_known CHECK '
              '("choice" IN (\'agree\', \'oppose\', \'abstain\', \'invalid\')))',
              'CREATE INDEX counted_ballot_roll_entry ON "counted_ballot" USING btree '
              '("roll_entry")',
              'CREATE INDEX counted_ballot_item ON "counted_ballot" USING btree ("item")',
              'CREATE TABLE "vote_attempt" ("id" SERIAL PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
              'NOT NULL DEFAULT \'\', "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
              'CREATE INDEX vote_attempt_key ON "vote_attempt" USING btree ("key")',
              'CREATE INDEX vote_attempt_at ON "vote_attempt" USING btree ("at")',
              'CREATE TABLE "consultation_snapshot" ("id" SERIAL PRIMARY KEY NOT NULL, '
              '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "taken_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
              '"taken_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "tally" TEXT NOT NULL '
              'DEFAULT \'\', CONSTRAINT consultation_snapshot_day_unique UNIQUE ("consultation", '
              '"taken_on"))',
              'CREATE INDEX consultation_snapshot_consultation ON "consultation_snapshot" USING '
              'btree ("consultation")',
              'CREATE TABLE "consultation_decision" ("id" SERIAL PRIMARY KEY NOT NULL, '
              '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES '
              '"consultation_item" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"passed" BOOLEAN NOT NULL DEFAULT false, "rule_key" VARCHAR(40) NOT NULL DEFAULT '
              '\'\', "reasons" TEXT NOT NULL DEFAULT \'\', "counts" TEXT NOT NULL DEFAULT \'\', '
              '"non_voters_agree" BOOLEAN NOT NULL DEFAULT false, "decided_at" TIMESTAMPTZ NOT '
              'NULL DEFAULT current_timestamp, CONSTRAINT consultation_decision_item_unique UNIQUE '
              '("consultation", "item"))',
              'CREATE INDEX consultation_decision_consultation ON "consultation_decision" USING '
              'btree ("consultation")',
              'CREATE TABLE "signing_progress" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" '
              'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "roll_entry" INTEGER NOT NULL REFERENCES '
              '"consultation_roll_entry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"signed_on" DATE DEFAULT null, "sealed_on" DATE DEFAULT null, "moved_on" DATE '
              'DEFAULT null, CONSTRAINT signing_progress_entry_unique UNIQUE ("roll_entry"), '
              'CONSTRAINT sealed_after_signing CHECK ("sealed_on" IS NULL OR "signed_on" IS NOT '
              'NULL), CONSTRAINT moved_after_signing CHECK ("moved_on" IS NULL OR "signed_on" IS '
              'NOT NULL))',
              'CREATE INDEX signing_progress_consultation ON "signing_progress" USING btree '
              '("consultation")',
              'CREATE TABLE "lottery" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" INTEGER '
              'NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "purpose" VARCHAR(40) NOT NULL DEFAULT \'\', "seed" VARCHAR(200) NOT '
              'NULL DEFAULT \'\', "drawn_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              '"result" TEXT NOT NULL DEFAULT \'\', "result_hash" VARCHAR(64) NOT NULL DEFAULT '
              '\'\', CONSTRAINT lottery_purpose_unique UNIQUE ("consultation", "purpose"))',
              'CREATE INDEX lottery_consultation ON "lottery" USING btree ("consultation")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
