"""Contract payments: contracts, scope, schedule of values, changes, applications, certificates, retention releases, payments"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:21:12:296693"
VERSION = "1.38.0"
DESCRIPTION = 'Contract payments: contracts, scope, schedule of values, changes, applications, certificates, retention releases, payments'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "contract" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"contractor_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "code" VARCHAR(60) NOT NULL DEFAULT \'\', "name" '
            'VARCHAR(200) NOT NULL DEFAULT \'\', "value_fen" INTEGER NOT NULL DEFAULT 0, '
            '"changes_fen" INTEGER NOT NULL DEFAULT 0, "payment_ratio" NUMERIC(5, 4) NOT NULL '
            'DEFAULT 0, "retention_ratio" NUMERIC(5, 4) NOT NULL DEFAULT 0, "retention_mode" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "payment_days" INTEGER NOT NULL DEFAULT 30, '
            '"budget_line" INTEGER NOT NULL REFERENCES "budget_line" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "liability_months" INTEGER NOT NULL DEFAULT 24, '
            '"completion_reported_on" DATE DEFAULT null, "accepted_on" DATE DEFAULT null, '
            '"settled_fen" INTEGER DEFAULT null, "settled_on" DATE DEFAULT null, '
            '"applications_seq" INTEGER NOT NULL DEFAULT 0, "created_by" INTEGER REFERENCES '
            '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "created_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT contract_code_unique '
            'UNIQUE ("project", "code"), CONSTRAINT value_positive CHECK ("value_fen" > 0), '
            'CONSTRAINT total_not_negative CHECK (value_fen + changes_fen >= 0), CONSTRAINT '
            'payment_ratio_in_range CHECK (payment_ratio >= 0.8 AND payment_ratio <= 1), '
            'CONSTRAINT retention_ratio_in_range CHECK (retention_ratio >= 0 AND retention_ratio '
            '<= 0.03), CONSTRAINT payment_days_in_range CHECK (payment_days >= 1 AND payment_days '
            '<= 60), CONSTRAINT liability_in_range CHECK (liability_months >= 0 AND '
            'liability_months <= 120), CONSTRAINT retention_mode_known CHECK ("retention_mode" IN '
            "('per_certificate', 'final_account')), CONSTRAINT settled_not_negative CHECK "
            '(settled_fen IS NULL OR (settled_fen >= 0 AND settled_on IS NOT NULL)))',
            'CREATE INDEX contract_project ON "contract" ("project")',
            'CREATE INDEX contract_contractor_org ON "contract" ("contractor_org")',
            'CREATE INDEX contract_budget_line ON "contract" ("budget_line")',
            'CREATE TABLE "contract_building" ("id" INTEGER PRIMARY KEY NOT NULL, "contract" '
            'INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "building" INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT contract_building_unique UNIQUE '
            '("contract", "building"))',
            'CREATE INDEX contract_building_contract ON "contract_building" ("contract")',
            'CREATE INDEX contract_building_building ON "contract_building" ("building")',
            'CREATE TABLE "contract_item" ("id" INTEGER PRIMARY KEY NOT NULL, "contract" INTEGER '
            'NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "position" INTEGER NOT NULL DEFAULT 0, "code" VARCHAR(40) NOT NULL DEFAULT '
            '\'\', "name" VARCHAR(200) NOT NULL DEFAULT \'\', "unit" VARCHAR(20) NOT NULL DEFAULT '
            '\'\', "quantity" NUMERIC(14, 3) NOT NULL DEFAULT 0, "unit_price_fen" INTEGER NOT NULL '
            'DEFAULT 0, CONSTRAINT contract_item_code_unique UNIQUE ("contract", "code"), '
            'CONSTRAINT quantity_positive CHECK (quantity > 0), CONSTRAINT unit_price_not_negative '
            'CHECK ("unit_price_fen" >= 0))',
            'CREATE INDEX contract_item_contract ON "contract_item" ("contract")',
            'CREATE TABLE "contract_change" ("id" INTEGER PRIMARY KEY NOT NULL, "contract" INTEGER '
            'NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "reference" VARCHAR(80) NOT NULL '
            'DEFAULT \'\', "amount_fen" INTEGER NOT NULL DEFAULT 0, "approved_on" DATE NOT NULL '
            'DEFAULT CURRENT_DATE, "reason" TEXT NOT NULL DEFAULT \'\', "recorded_by" INTEGER '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
            'contract_change_reference_unique UNIQUE ("contract", "reference"), CONSTRAINT '
            'kind_known CHECK ("kind" IN (\'variation\', \'site_instruction\')), CONSTRAINT '
            'amount_not_zero CHECK (amount_fen <> 0))',
            'CREATE INDEX contract_change_contract ON "contract_change" ("contract")',
            'CREATE TABLE "payment_application" ("id" INTEGER PRIMARY KEY NOT NULL, "project" '
            'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "period_start" DATE NOT NULL DEFAULT '
            'CURRENT_DATE, "period_end" DATE NOT NULL DEFAULT CURRENT_DATE, "status" VARCHAR(20) '
            'NOT NULL DEFAULT \'submitted\', "claimed_fen" INTEGER NOT NULL DEFAULT 0, '
            '"approved_fen" INTEGER DEFAULT null, "applied_fen" INTEGER NOT NULL DEFAULT 0, '
            '"statement" TEXT NOT NULL DEFAULT \'\', "attachments" JSON NOT NULL DEFAULT \'[]\', '
            '"review_note" TEXT NOT NULL DEFAULT \'\', "return_reason" TEXT NOT NULL DEFAULT \'\', '
            '"submitted_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "submitted_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "reviewed_by" INTEGER REFERENCES "app_user" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "reviewed_at" TIMESTAMPTZ DEFAULT null, '
            'CONSTRAINT status_known CHECK ("status" IN (\'submitted\', \'reviewed\', '
            "'certified', 'returned')), CONSTRAINT period_ordered CHECK (period_start <= "
            'period_end), CONSTRAINT amounts_not_negative CHECK (claimed_fen >= 0 AND applied_fen '
            '>= 0), CONSTRAINT approved_within_claim CHECK (approved_fen IS NULL OR approved_fen '
            "<= claimed_fen), CONSTRAINT returned_has_reason CHECK (status <> 'returned' OR "
            'length(trim(return_reason)) > 0))',
            'CREATE INDEX payment_application_project ON "payment_application" ("project")',
            'CREATE INDEX payment_application_contract ON "payment_application" ("contract")',
            'CREATE TABLE "application_item" ("id" INTEGER PRIMARY KEY NOT NULL, "application" '
            'INTEGER NOT NULL REFERENCES "payment_application" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES "contract_item" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "claimed_quantity" NUMERIC(14, 3) NOT '
            'NULL DEFAULT 0, "approved_quantity" NUMERIC(14, 3) DEFAULT null, "cut_reason" TEXT '
            'NOT NULL DEFAULT \'\', CONSTRAINT application_item_unique UNIQUE ("application", '
            '"item"), CONSTRAINT claimed_not_negative CHECK (claimed_quantity >= 0), CONSTRAINT '
            'approved_within_claim CHECK (approved_quantity IS NULL OR approved_quantity <= '
            'claimed_quantity), CONSTRAINT cut_has_reason CHECK (approved_quantity IS NULL OR '
            'approved_quantity = claimed_quantity OR length(trim(cut_reason)) > 0))',
            'CREATE INDEX application_item_application ON "application_item" ("application")',
            'CREATE INDEX application_item_item ON "application_item" ("item")',
            'CREATE TABLE "payment_certificate" ("id" INTEGER PRIMARY KEY NOT NULL, "project" '
            'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "application" INTEGER NOT NULL REFERENCES '
            '"payment_application" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL DEFAULT 0, "number_text" '
            'VARCHAR(80) NOT NULL DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT \'issued\', '
            '"contract_total_fen" INTEGER NOT NULL DEFAULT 0, "work_to_date_fen" INTEGER NOT NULL '
            'DEFAULT 0, "payable_to_date_fen" INTEGER NOT NULL DEFAULT 0, "retention_to_date_fen" '
            'INTEGER NOT NULL DEFAULT 0, "previously_certified_fen" INTEGER NOT NULL DEFAULT 0, '
            '"certified_fen" INTEGER NOT NULL DEFAULT 0, "overpaid_fen" INTEGER NOT NULL DEFAULT '
            '0, "steps" JSON NOT NULL DEFAULT \'{}\', "gate_findings" JSON NOT NULL DEFAULT '
            '\'[]\', "override_reason" TEXT NOT NULL DEFAULT \'\', "due_on" DATE NOT NULL DEFAULT '
            'CURRENT_DATE, "paid_fen" INTEGER NOT NULL DEFAULT 0, "void_reason" TEXT NOT NULL '
            'DEFAULT \'\', "document" INTEGER NOT NULL REFERENCES "issued_document" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "certified_by" INTEGER NOT NULL '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"certified_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
            'payment_certificate_number_unique UNIQUE ("project", "year", "number"), CONSTRAINT '
            'status_known CHECK ("status" IN (\'issued\', \'voided\')), CONSTRAINT '
            'amounts_not_negative CHECK (certified_fen >= 0 AND overpaid_fen >= 0 AND '
            'work_to_date_fen >= 0), CONSTRAINT paid_within_certificate CHECK (paid_fen >= 0 AND '
            "paid_fen <= certified_fen), CONSTRAINT voided_has_reason CHECK (status <> 'voided' OR "
            "length(trim(void_reason)) > 0), CONSTRAINT voided_unpaid CHECK (status <> 'voided' OR "
            'paid_fen = 0))',
            'CREATE INDEX payment_certificate_project ON "payment_certificate" ("project")',
            'CREATE INDEX payment_certificate_contract ON "payment_certificate" ("contract")',
            'CREATE INDEX payment_certificate_application ON "payment_certificate" ("application")',
            'CREATE TABLE "retention_release" ("id" INTEGER PRIMARY KEY NOT NULL, "project" '
            'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "contract" INTEGER UNIQUE NOT NULL REFERENCES "contract" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT '
            '\'requested\', "held_fen" INTEGER NOT NULL DEFAULT 0, "deducted_fen" INTEGER NOT NULL '
            'DEFAULT 0, "deduction_reason" TEXT NOT NULL DEFAULT \'\', "open_defects" JSON NOT '
            'NULL DEFAULT \'[]\', "requested_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"check_due_on" DATE NOT NULL DEFAULT CURRENT_DATE, "checked_on" DATE DEFAULT null, '
            '"pay_due_on" DATE DEFAULT null, "paid_fen" INTEGER NOT NULL DEFAULT 0, "paid_on" DATE '
            'DEFAULT null, "requested_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT status_known CHECK ("status" IN '
            "('requested', 'checked', 'paid')), CONSTRAINT deduction_within_held CHECK "
            '(deducted_fen >= 0 AND deducted_fen <= held_fen), CONSTRAINT deduction_has_reason '
            'CHECK (deducted_fen = 0 OR length(trim(deduction_reason)) > 0), CONSTRAINT '
            'paid_within_release CHECK (paid_fen >= 0 AND paid_fen <= held_fen - deducted_fen))',
            'CREATE INDEX retention_release_project ON "retention_release" ("project")',
            'CREATE TABLE "contract_payment" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "certificate" INTEGER REFERENCES "payment_certificate" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "release" INTEGER '
            'REFERENCES "retention_release" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "allocation" INTEGER NOT NULL REFERENCES "allocation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "spending" INTEGER UNIQUE NOT NULL REFERENCES '
            '"spending" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "amount_fen" '
            'INTEGER NOT NULL DEFAULT 0, "paid_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"voucher_no" VARCHAR(60) NOT NULL DEFAULT \'\', "recorded_by" INTEGER REFERENCES '
            '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT amount_positive CHECK '
            '("amount_fen" > 0), CONSTRAINT pays_one_thing CHECK ((certificate IS NULL) <> '
            '(release IS NULL)))',
            'CREATE INDEX contract_payment_project ON "contract_payment" ("project")',
            'CREATE INDEX contract_payment_contract ON "contract_payment" ("contract")',
            'CREATE INDEX contract_payment_certificate ON "contract_payment" ("certificate")',
            'CREATE INDEX contract_payment_release ON "contract_payment" ("release")'],
 'postgres': ['CREATE TABLE "contract" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"contractor_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "code" VARCHAR(60) NOT NULL DEFAULT \'\', '
              '"name" VARCHAR(200) NOT NULL DEFAULT \'\', "value_fen" BIGINT NOT NULL DEFAULT 0, '
              '"changes_fen" BIGINT NOT NULL DEFAULT 0, "payment_ratio" NUMERIC(5, 4) NOT NULL '
              'DEFAULT 0, "retention_ratio" NUMERIC(5, 4) NOT NULL DEFAULT 0, "retention_mode" '
              'VARCHAR(20) NOT NULL DEFAULT \'\', "payment_days" INTEGER NOT NULL DEFAULT 30, '
              '"budget_line" INTEGER NOT NULL REFERENCES "budget_line" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "liability_months" INTEGER NOT NULL DEFAULT 24, '
              '"completion_reported_on" DATE DEFAULT null, "accepted_on" DATE DEFAULT null, '
              '"settled_fen" BIGINT DEFAULT null, "settled_on" DATE DEFAULT null, '
              '"applications_seq" INTEGER NOT NULL DEFAULT 0, "created_by" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "created_at" '
              'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT contract_code_unique '
              'UNIQUE ("project", "code"), CONSTRAINT value_positive CHECK ("value_fen" > 0), '
              'CONSTRAINT total_not_negative CHECK (value_fen + changes_fen >= 0), CONSTRAINT '
              'payment_ratio_in_range CHECK (payment_ratio >= 0.8 AND payment_ratio <= 1), '
              'CONSTRAINT retention_ratio_in_range CHECK (retention_ratio >= 0 AND retention_ratio '
              '<= 0.03), CONSTRAINT payment_days_in_range CHECK (payment_days >= 1 AND '
              'payment_days <= 60), CONSTRAINT liability_in_range CHECK (liability_months >= 0 AND '
              'liability_months <= 120), CONSTRAINT retention_mode_known CHECK ("retention_mode" '
              "IN ('per_certificate', 'final_account')), CONSTRAINT settled_not_negative CHECK "
              '(settled_fen IS NULL OR (settled_fen >= 0 AND settled_on IS NOT NULL)))',
              'CREATE INDEX contract_project ON "contract" USING btree ("project")',
              'CREATE INDEX contract_contractor_org ON "contract" USING btree ("contractor_org")',
              'CREATE INDEX contract_budget_line ON "contract" USING btree ("budget_line")',
              'CREATE TABLE "contract_building" ("id" SERIAL PRIMARY KEY NOT NULL, "contract" '
              'INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "building" INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT contract_building_unique UNIQUE '
              '("contract", "building"))',
              'CREATE INDEX contract_building_contract ON "contract_building" USING btree '
              '("contract")',
              'CREATE INDEX contract_building_building ON "contract_building" USING btree '
              '("building")',
              'CREATE TABLE "contract_item" ("id" SERIAL PRIMARY KEY NOT NULL, "contract" INTEGER '
              'NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "position" INTEGER NOT NULL DEFAULT 0, "code" VARCHAR(40) NOT NULL DEFAULT '
              '\'\', "name" VARCHAR(200) NOT NULL DEFAULT \'\', "unit" VARCHAR(20) NOT NULL '
              'DEFAULT \'\', "quantity" NUMERIC(14, 3) NOT NULL DEFAULT 0, "unit_price_fen" BIGINT '
              'NOT NULL DEFAULT 0, CONSTRAINT contract_item_code_unique UNIQUE ("contract", '
              '"code"), CONSTRAINT quantity_positive CHECK (quantity > 0), CONSTRAINT '
              'unit_price_not_negative CHECK ("unit_price_fen" >= 0))',
              'CREATE INDEX contract_item_contract ON "contract_item" USING btree ("contract")',
              'CREATE TABLE "contract_change" ("id" SERIAL PRIMARY KEY NOT NULL, "contract" '
              'INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "reference" VARCHAR(80) NOT '
              'NULL DEFAULT \'\', "amount_fen" BIGINT NOT NULL DEFAULT 0, "approved_on" DATE NOT '
              'NULL DEFAULT CURRENT_DATE, "reason" TEXT NOT NULL DEFAULT \'\', "recorded_by" '
              'INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
              'contract_change_reference_unique UNIQUE ("contract", "reference"), CONSTRAINT '
              'kind_known CHECK ("kind" IN (\'variation\', \'site_instruction\')), CONSTRAINT '
              'amount_not_zero CHECK (amount_fen <> 0))',
              'CREATE INDEX contract_change_contract ON "contract_change" USING btree ("contract")',
              'CREATE TABLE "payment_application" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "period_start" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "period_end" DATE NOT NULL DEFAULT CURRENT_DATE, "status" VARCHAR(20) '
              'NOT NULL DEFAULT \'submitted\', "claimed_fen" BIGINT NOT NULL DEFAULT 0, '
              '"approved_fen" BIGINT DEFAULT null, "applied_fen" BIGINT NOT NULL DEFAULT 0, '
              '"statement" TEXT NOT NULL DEFAULT \'\', "attachments" JSON NOT NULL DEFAULT \'[]\', '
              '"review_note" TEXT NOT NULL DEFAULT \'\', "return_reason" TEXT NOT NULL DEFAULT '
              '\'\', "submitted_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "submitted_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, "reviewed_by" INTEGER REFERENCES "app_user" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "reviewed_at" TIMESTAMPTZ DEFAULT '
              'null, CONSTRAINT status_known CHECK ("status" IN (\'submitted\', \'reviewed\', '
              "'certified', 'returned')), CONSTRAINT period_ordered CHECK (period_start <= "
              'period_end), CONSTRAINT amounts_not_negative CHECK (claimed_fen >= 0 AND '
              'applied_fen >= 0), CONSTRAINT approved_within_claim CHECK (approved_fen IS NULL OR '
              'approved_fen <= claimed_fen), CONSTRAINT returned_has_reason CHECK (status <> '
              "'returned' OR length(trim(return_reason)) > 0))",
              'CREATE INDEX payment_application_project ON "payment_application" USING btree '
              '("project")',
              'CREATE INDEX payment_application_contract ON "payment_application" USING btree '
              '("contract")',
              'CREATE TABLE "application_item" ("id" SERIAL PRIMARY KEY NOT NULL, "application" '
              'INTEGER NOT NULL REFERENCES "payment_application" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES "contract_item" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "claimed_quantity" '
              'NUMERIC(14, 3) NOT NULL DEFAULT 0, "approved_quantity" NUMERIC(14, 3) DEFAULT null, '
              '"cut_reason" TEXT NOT NULL DEFAULT \'\', CONSTRAINT application_item_unique UNIQUE '
              '("application", "item"), CONSTRAINT claimed_not_negative CHECK (claimed_quantity >= '
              '0), CONSTRAINT approved_within_claim CHECK (approved_quantity IS NULL OR '
              'approved_quantity <= claimed_quantity), CONSTRAINT cut_has_reason CHECK '
              '(approved_quantity IS NULL OR approved_quantity = claimed_quantity OR '
              'length(trim(cut_reason)) > 0))',
              'CREATE INDEX application_item_application ON "application_item" USING btree '
              '("application")',
              'CREATE INDEX application_item_item ON "application_item" USING btree ("item")',
              'CREATE TABLE "payment_certificate" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "application" INTEGER NOT NULL REFERENCES '
              '"payment_application" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL DEFAULT 0, '
              '"number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "status" VARCHAR(20) NOT NULL '
              'DEFAULT \'issued\', "contract_total_fen" BIGINT NOT NULL DEFAULT 0, '
              '"work_to_date_fen" BIGINT NOT NULL DEFAULT 0, "payable_to_date_fen" BIGINT NOT NULL '
              'DEFAULT 0, "retention_to_date_fen" BIGINT NOT NULL DEFAULT 0, '
              '"previously_certified_fen" BIGINT NOT NULL DEFAULT 0, "certified_fen" BIGINT NOT '
              'NULL DEFAULT 0, "overpaid_fen" BIGINT NOT NULL DEFAULT 0, "steps" JSON NOT NULL '
              'DEFAULT \'{}\', "gate_findings" JSON NOT NULL DEFAULT \'[]\', "override_reason" '
              'TEXT NOT NULL DEFAULT \'\', "due_on" DATE NOT NULL DEFAULT CURRENT_DATE, "paid_fen" '
              'BIGINT NOT NULL DEFAULT 0, "void_reason" TEXT NOT NULL DEFAULT \'\', "document" '
              'INTEGER NOT NULL REFERENCES "issued_document" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "certified_by" INTEGER NOT NULL REFERENCES "app_user" ("id") '
              'ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "certified_at" TIMESTAMPTZ NOT '
              'NULL DEFAULT current_timestamp, CONSTRAINT payment_certificate_number_unique UNIQUE '
              '("project", "year", "number"), CONSTRAINT status_known CHECK ("status" IN '
              "('issued', 'voided')), CONSTRAINT amounts_not_negative CHECK (certified_fen >= 0 "
              'AND overpaid_fen >= 0 AND work_to_date_fen >= 0), CONSTRAINT '
              'paid_within_certificate CHECK (paid_fen >= 0 AND paid_fen <= certified_fen), '
              "CONSTRAINT voided_has_reason CHECK (status <> 'voided' OR length(trim(void_reason)) "
              "> 0), CONSTRAINT voided_unpaid CHECK (status <> 'voided' OR paid_fen = 0))",
              'CREATE INDEX payment_certificate_project ON "payment_certificate" USING btree '
              '("project")',
              'CREATE INDEX payment_certificate_contract ON "payment_certificate" USING btree '
              '("contract")',
              'CREATE INDEX payment_certificate_application ON "payment_certificate" USING btree '
              '("application")',
              'CREATE TABLE "retention_release" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "contract" INTEGER UNIQUE NOT NULL REFERENCES "contract" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "status" VARCHAR(20) NOT NULL '
              'DEFAULT \'requested\', "held_fen" BIGINT NOT NULL DEFAULT 0, "deducted_fen" BIGINT '
              'NOT NULL DEFAULT 0, "deduction_reason" TEXT NOT NULL DEFAULT \'\', "open_defects" '
              'JSON NOT NULL DEFAULT \'[]\', "requested_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
              '"check_due_on" DATE NOT NULL DEFAULT CURRENT_DATE, "checked_on" DATE DEFAULT null, '
              '"pay_due_on" DATE DEFAULT null, "paid_fen" BIGINT NOT NULL DEFAULT 0, "paid_on" '
              'DATE DEFAULT null, "requested_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT status_known CHECK '
              '("status" IN (\'requested\', \'checked\', \'paid\')), CONSTRAINT '
              'deduction_within_held CHECK (deducted_fen >= 0 AND deducted_fen <= held_fen), '
              'CONSTRAINT deduction_has_reason CHECK (deducted_fen = 0 OR '
              'length(trim(deduction_reason)) > 0), CONSTRAINT paid_within_release CHECK (paid_fen '
              '>= 0 AND paid_fen <= held_fen - deducted_fen))',
              'CREATE INDEX retention_release_project ON "retention_release" USING btree '
              '("project")',
              'CREATE TABLE "contract_payment" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "contract" INTEGER NOT NULL REFERENCES "contract" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "certificate" INTEGER REFERENCES '
              '"payment_certificate" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"release" INTEGER REFERENCES "retention_release" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "allocation" INTEGER NOT NULL REFERENCES "allocation" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "spending" INTEGER UNIQUE '
              'NOT NULL REFERENCES "spending" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "amount_fen" BIGINT NOT NULL DEFAULT 0, "paid_on" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "voucher_no" VARCHAR(60) NOT NULL DEFAULT \'\', "recorded_by" INTEGER '
              'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"recorded_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
              'amount_positive CHECK ("amount_fen" > 0), CONSTRAINT pays_one_thing CHECK '
              '((certificate IS NULL) <> (release IS NULL)))',
              'CREATE INDEX contract_payment_project ON "contract_payment" USING btree ("project")',
              'CREATE INDEX contract_payment_contract ON "contract_payment" USING btree '
              '("contract")',
              'CREATE INDEX contract_payment_certificate ON "contract_payment" USING btree '
              '("certificate")',
              'CREATE INDEX contract_payment_release ON "contract_payment" USING btree '
              '("release")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='payments', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
