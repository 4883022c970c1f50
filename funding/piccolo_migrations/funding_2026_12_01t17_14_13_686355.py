"""Funding: sources, tranches, loans, arrivals, budget, allocations, spending, progress, forecasts, contributions"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:14:13:686355"
VERSION = "1.38.0"
DESCRIPTION = 'Funding: sources, tranches, loans, arrivals, budget, allocations, spending, progress, forecasts, contributions'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "funding_source" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "kind" VARCHAR(30) NOT NULL DEFAULT \'\', "name" VARCHAR(200) NOT NULL DEFAULT '
            '\'\', "reference" VARCHAR(120) NOT NULL DEFAULT \'\', "central_mode" VARCHAR(30) '
            'DEFAULT null, "committed_fen" INTEGER NOT NULL DEFAULT 0, "arrived_fen" INTEGER NOT '
            'NULL DEFAULT 0, "allocated_fen" INTEGER NOT NULL DEFAULT 0, "allowed_uses" JSON NOT '
            'NULL DEFAULT \'[]\', "approved_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"available_until" DATE DEFAULT null, "note" TEXT NOT NULL DEFAULT \'\', "created_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" '
            "IN ('central_budget', 'central_subsidy', 'treasury_bond', 'ultra_long_bond', "
            "'provincial_budget', 'local_budget', 'general_bond', 'special_bond', 'policy_loan', "
            "'policy_instrument', 'owner_unit', 'operator', 'resident', 'maintenance_fund', "
            '\'other\')), CONSTRAINT mode_known CHECK ("central_mode" IS NULL OR "central_mode" IN '
            "('direct', 'capital_injection', 'investment_subsidy', 'interest_subsidy')), "
            'CONSTRAINT committed_not_negative CHECK ("committed_fen" >= 0), CONSTRAINT '
            'arrivals_within_commitment CHECK (("arrived_fen" >= 0 AND "arrived_fen" <= '
            '"committed_fen")), CONSTRAINT allocations_within_arrivals CHECK (("allocated_fen" >= '
            '0 AND "allocated_fen" <= "arrived_fen")), CONSTRAINT funding_source_reference_unique '
            'UNIQUE ("project", "kind", "reference"))',
            'CREATE INDEX funding_source_project ON "funding_source" ("project")',
            'CREATE TABLE "bond_tranche" ("id" INTEGER PRIMARY KEY NOT NULL, "source" INTEGER '
            'UNIQUE NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "bond_code" VARCHAR(40) NOT NULL DEFAULT \'\', "issue_date" '
            'DATE NOT NULL DEFAULT CURRENT_DATE, "amount_fen" INTEGER NOT NULL DEFAULT 0, '
            '"coupon_rate" NUMERIC(9, 6) NOT NULL DEFAULT 0, "tenor_years" INTEGER NOT NULL '
            'DEFAULT 0, "frequency" VARCHAR(20) NOT NULL DEFAULT \'\', "principal_parts" JSON '
            'DEFAULT null, "capital_share" NUMERIC(5, 4) NOT NULL DEFAULT 0, CONSTRAINT '
            'frequency_known CHECK ("frequency" IN (\'annual\', \'semi_annual\')), CONSTRAINT '
            'amount_positive CHECK ("amount_fen" > 0), CONSTRAINT tenor_in_range CHECK '
            '(("tenor_years" >= 1 AND "tenor_years" <= 50)), CONSTRAINT coupon_in_range CHECK '
            '(coupon_rate >= 0 AND coupon_rate < 1))',
            'CREATE TABLE "loan" ("id" INTEGER PRIMARY KEY NOT NULL, "source" INTEGER UNIQUE NOT '
            'NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "lender" VARCHAR(120) NOT NULL DEFAULT \'\', "facility_fen" INTEGER NOT NULL '
            'DEFAULT 0, "spread_bp" INTEGER NOT NULL DEFAULT 0, "term_months" INTEGER NOT NULL '
            'DEFAULT 0, "grace_months" INTEGER NOT NULL DEFAULT 0, "payment_months" INTEGER NOT '
            'NULL DEFAULT 3, "method" VARCHAR(20) NOT NULL DEFAULT \'\', "first_payment_on" DATE '
            'DEFAULT null, "custom_schedule" JSON DEFAULT null, CONSTRAINT method_known CHECK '
            '("method" IN (\'equal_principal\', \'equal_instalment\', \'custom\')), CONSTRAINT '
            'facility_positive CHECK ("facility_fen" > 0), CONSTRAINT term_positive CHECK '
            '(("term_months" >= 1 AND "term_months" <= 600)), CONSTRAINT grace_within_term CHECK '
            '(("grace_months" >= 0 AND "grace_months" < "term_months")), CONSTRAINT period_known '
            'CHECK (payment_months IN (1, 3, 6, 12)))',
            'CREATE TABLE "rate_reset" ("id" INTEGER PRIMARY KEY NOT NULL, "loan" INTEGER NOT NULL '
            'REFERENCES "loan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"effective_on" DATE NOT NULL DEFAULT CURRENT_DATE, "base_rate" NUMERIC(9, 6) NOT NULL '
            'DEFAULT 0, CONSTRAINT rate_reset_one_a_day UNIQUE ("loan", "effective_on"), '
            'CONSTRAINT rate_in_range CHECK (base_rate >= 0 AND base_rate < 1))',
            'CREATE INDEX rate_reset_loan ON "rate_reset" ("loan")',
            'CREATE TABLE "arrival" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
            'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"source" INTEGER NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "arrived_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"amount_fen" INTEGER NOT NULL DEFAULT 0, "voucher_no" VARCHAR(60) NOT NULL DEFAULT '
            '\'\', "note" TEXT NOT NULL DEFAULT \'\', "recorded_by" INTEGER REFERENCES "app_user" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" TIMESTAMPTZ '
            'NOT NULL DEFAULT current_timestamp, CONSTRAINT amount_positive CHECK ("amount_fen" > '
            '0))',
            'CREATE INDEX arrival_project ON "arrival" ("project")',
            'CREATE INDEX arrival_source ON "arrival" ("source")',
            'CREATE TABLE "budget_line" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"category" VARCHAR(30) NOT NULL DEFAULT \'\', "name" VARCHAR(120) NOT NULL DEFAULT '
            '\'\', "use" VARCHAR(30) NOT NULL DEFAULT \'\', "amount_fen" INTEGER NOT NULL DEFAULT '
            '0, CONSTRAINT category_known CHECK ("category" IN (\'construction\', '
            "'compensation', 'other_costs', 'contingency', 'construction_interest', 'equipment', "
            '\'land\')), CONSTRAINT use_known CHECK ("use" IN (\'construction\', \'compensation\', '
            "'land', 'equipment', 'design_supervision', 'contingency', 'capital', 'debt_interest', "
            "'wages', 'operating_costs', 'office_buildings', 'image_projects', 'commercial')), "
            'CONSTRAINT amount_not_negative CHECK ("amount_fen" >= 0), CONSTRAINT '
            'budget_line_name_unique UNIQUE ("project", "name"))',
            'CREATE INDEX budget_line_project ON "budget_line" ("project")',
            'CREATE TABLE "allocation" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"source" INTEGER NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "budget_line" INTEGER NOT NULL REFERENCES "budget_line" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "amount_fen" INTEGER NOT '
            'NULL DEFAULT 0, "spent_fen" INTEGER NOT NULL DEFAULT 0, "transferred_fen" INTEGER NOT '
            'NULL DEFAULT 0, "allocated_on" DATE NOT NULL DEFAULT CURRENT_DATE, "note" TEXT NOT '
            'NULL DEFAULT \'\', CONSTRAINT allocation_one_per_line UNIQUE ("source", '
            '"budget_line"), CONSTRAINT amount_positive CHECK ("amount_fen" > 0), CONSTRAINT '
            'outflow_within_allocation CHECK (spent_fen >= 0 AND transferred_fen >= 0 AND '
            'spent_fen + transferred_fen <= amount_fen))',
            'CREATE INDEX allocation_project ON "allocation" ("project")',
            'CREATE INDEX allocation_source ON "allocation" ("source")',
            'CREATE INDEX allocation_budget_line ON "allocation" ("budget_line")',
            'CREATE TABLE "spending" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"allocation" INTEGER NOT NULL REFERENCES "allocation" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "spent_on" '
            'DATE NOT NULL DEFAULT CURRENT_DATE, "amount_fen" INTEGER NOT NULL DEFAULT 0, "payee" '
            'VARCHAR(200) NOT NULL DEFAULT \'\', "voucher_no" VARCHAR(60) NOT NULL DEFAULT \'\', '
            '"purpose" VARCHAR(500) NOT NULL DEFAULT \'\', "from_transfer" INTEGER REFERENCES '
            '"spending" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "onward_fen" '
            'INTEGER NOT NULL DEFAULT 0, "recorded_by" INTEGER REFERENCES "app_user" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" IN (\'payment\', '
            '\'transfer\')), CONSTRAINT amount_positive CHECK ("amount_fen" > 0), CONSTRAINT '
            'onward_within_transfer CHECK (("onward_fen" >= 0 AND "onward_fen" <= "amount_fen")), '
            'CONSTRAINT spending_voucher_unique UNIQUE ("project", "voucher_no"))',
            'CREATE INDEX spending_project ON "spending" ("project")',
            'CREATE INDEX spending_allocation ON "spending" ("allocation")',
            'CREATE INDEX spending_from_transfer ON "spending" ("from_transfer")',
            'CREATE TABLE "work_progress" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "as_of" DATE NOT NULL DEFAULT CURRENT_DATE, "percent" NUMERIC(5, 2) DEFAULT '
            'null, "certified_fen" INTEGER DEFAULT null, CONSTRAINT work_progress_one_a_day UNIQUE '
            '("project", "as_of"), CONSTRAINT something_recorded CHECK (percent IS NOT NULL OR '
            'certified_fen IS NOT NULL), CONSTRAINT percent_in_range CHECK (percent IS NULL OR '
            '(percent >= 0 AND percent <= 100)))',
            'CREATE INDEX work_progress_project ON "work_progress" ("project")',
            'CREATE TABLE "revenue_forecast" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "year" INTEGER NOT NULL DEFAULT 0, "item" VARCHAR(60) NOT NULL DEFAULT \'\', '
            '"revenue_fen" INTEGER NOT NULL DEFAULT 0, "cost_fen" INTEGER NOT NULL DEFAULT 0, '
            'CONSTRAINT revenue_forecast_one_item_a_year UNIQUE ("project", "year", "item"), '
            'CONSTRAINT amounts_not_negative CHECK (("revenue_fen" >= 0 AND "cost_fen" >= 0)))',
            'CREATE INDEX revenue_forecast_project ON "revenue_forecast" ("project")',
            'CREATE TABLE "item_share" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"item" INTEGER UNIQUE NOT NULL REFERENCES "consultation_item" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "basis" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"rate_fen" INTEGER NOT NULL DEFAULT 0, CONSTRAINT basis_known CHECK ("basis" IN '
            '(\'per_area\', \'flat\')), CONSTRAINT rate_positive CHECK ("rate_fen" > 0))',
            'CREATE INDEX item_share_project ON "item_share" ("project")',
            'CREATE TABLE "contribution" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"household" INTEGER NOT NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES "consultation_item" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "due_fen" INTEGER NOT NULL '
            'DEFAULT 0, "paid_fen" INTEGER NOT NULL DEFAULT 0, "status" VARCHAR(20) NOT NULL '
            'DEFAULT \'due\', "last_paid_on" DATE DEFAULT null, CONSTRAINT '
            'contribution_one_per_household_item UNIQUE ("household", "item"), CONSTRAINT '
            'status_known CHECK ("status" IN (\'due\', \'part_paid\', \'paid\', \'waived\')), '
            'CONSTRAINT amounts_in_range CHECK ((("due_fen" >= 0 AND "paid_fen" >= 0) AND '
            '"paid_fen" <= "due_fen")))',
            'CREATE INDEX contribution_project ON "contribution" ("project")',
            'CREATE INDEX contribution_household ON "contribution" ("household")',
            'CREATE INDEX contribution_item ON "contribution" ("item")'],
 'postgres': ['CREATE TABLE "funding_source" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "kind" VARCHAR(30) NOT NULL DEFAULT \'\', "name" VARCHAR(200) NOT NULL '
              'DEFAULT \'\', "reference" VARCHAR(120) NOT NULL DEFAULT \'\', "central_mode" '
              'VARCHAR(30) DEFAULT null, "committed_fen" BIGINT NOT NULL DEFAULT 0, "arrived_fen" '
              'BIGINT NOT NULL DEFAULT 0, "allocated_fen" BIGINT NOT NULL DEFAULT 0, '
              '"allowed_uses" JSON NOT NULL DEFAULT \'[]\', "approved_on" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "available_until" DATE DEFAULT null, "note" TEXT NOT NULL DEFAULT '
              '\'\', "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
              'kind_known CHECK ("kind" IN (\'central_budget\', \'central_subsidy\', '
              "'treasury_bond', 'ultra_long_bond', 'provincial_budget', 'local_budget', "
              "'general_bond', 'special_bond', 'policy_loan', 'policy_instrument', 'owner_unit', "
              "'operator', 'resident', 'maintenance_fund', 'other')), CONSTRAINT mode_known CHECK "
              '("central_mode" IS NULL OR "central_mode" IN (\'direct\', \'capital_injection\', '
              "'investment_subsidy', 'interest_subsidy')), CONSTRAINT committed_not_negative CHECK "
              '("committed_fen" >= 0), CONSTRAINT arrivals_within_commitment CHECK (("arrived_fen" '
              '>= 0 AND "arrived_fen" <= "committed_fen")), CONSTRAINT allocations_within_arrivals '
              'CHECK (("allocated_fen" >= 0 AND "allocated_fen" <= "arrived_fen")), CONSTRAINT '
              'funding_source_reference_unique UNIQUE ("project", "kind", "reference"))',
              'CREATE INDEX funding_source_project ON "funding_source" USING btree ("project")',
              'CREATE TABLE "bond_tranche" ("id" SERIAL PRIMARY KEY NOT NULL, "source" INTEGER '
              'UNIQUE NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "bond_code" VARCHAR(40) NOT NULL DEFAULT \'\', "issue_date" '
              'DATE NOT NULL DEFAULT CURRENT_DATE, "amount_fen" BIGINT NOT NULL DEFAULT 0, '
              '"coupon_rate" NUMERIC(9, 6) NOT NULL DEFAULT 0, "tenor_years" INTEGER NOT NULL '
              'DEFAULT 0, "frequency" VARCHAR(20) NOT NULL DEFAULT \'\', "principal_parts" JSON '
              'DEFAULT null, "capital_share" NUMERIC(5, 4) NOT NULL DEFAULT 0, CONSTRAINT '
              'frequency_known CHECK ("frequency" IN (\'annual\', \'semi_annual\')), CONSTRAINT '
              'amount_positive CHECK ("amount_fen" > 0), CONSTRAINT tenor_in_range CHECK '
              '(("tenor_years" >= 1 AND "tenor_years" <= 50)), CONSTRAINT coupon_in_range CHECK '
              '(coupon_rate >= 0 AND coupon_rate < 1))',
              'CREATE TABLE "loan" ("id" SERIAL PRIMARY KEY NOT NULL, "source" INTEGER UNIQUE NOT '
              'NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "lender" VARCHAR(120) NOT NULL DEFAULT \'\', "facility_fen" BIGINT '
              'NOT NULL DEFAULT 0, "spread_bp" INTEGER NOT NULL DEFAULT 0, "term_months" INTEGER '
              'NOT NULL DEFAULT 0, "grace_months" INTEGER NOT NULL DEFAULT 0, "payment_months" '
              'INTEGER NOT NULL DEFAULT 3, "method" VARCHAR(20) NOT NULL DEFAULT \'\', '
              '"first_payment_on" DATE DEFAULT null, "custom_schedule" JSON DEFAULT null, '
              'CONSTRAINT method_known CHECK ("method" IN (\'equal_principal\', '
              "'equal_instalment', 'custom')), CONSTRAINT facility_positive CHECK "
              '("facility_fen" > 0), CONSTRAINT term_positive CHECK (("term_months" >= 1 AND '
              '"term_months" <= 600)), CONSTRAINT grace_within_term CHECK (("grace_months" >= 0 '
              'AND "grace_months" < "term_months")), CONSTRAINT period_known CHECK (payment_months '
              'IN (1, 3, 6, 12)))',
              'CREATE TABLE "rate_reset" ("id" SERIAL PRIMARY KEY NOT NULL, "loan" INTEGER NOT '
              'NULL REFERENCES "loan" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"effective_on" DATE NOT NULL DEFAULT CURRENT_DATE, "base_rate" NUMERIC(9, 6) NOT '
              'NULL DEFAULT 0, CONSTRAINT rate_reset_one_a_day UNIQUE ("loan", "effective_on"), '
              'CONSTRAINT rate_in_range CHECK (base_rate >= 0 AND base_rate < 1))',
              'CREATE INDEX rate_reset_loan ON "rate_reset" USING btree ("loan")',
              'CREATE TABLE "arrival" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"source" INTEGER NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "arrived_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
              '"amount_fen" BIGINT NOT NULL DEFAULT 0, "voucher_no" VARCHAR(60) NOT NULL DEFAULT '
              '\'\', "note" TEXT NOT NULL DEFAULT \'\', "recorded_by" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" '
              'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT amount_positive CHECK '
              '("amount_fen" > 0))',
              'CREATE INDEX arrival_project ON "arrival" USING btree ("project")',
              'CREATE INDEX arrival_source ON "arrival" USING btree ("source")',
              'CREATE TABLE "budget_line" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"category" VARCHAR(30) NOT NULL DEFAULT \'\', "name" VARCHAR(120) NOT NULL DEFAULT '
              '\'\', "use" VARCHAR(30) NOT NULL DEFAULT \'\', "amount_fen" BIGINT NOT NULL DEFAULT '
              '0, CONSTRAINT category_known CHECK ("category" IN (\'construction\', '
              "'compensation', 'other_costs', 'contingency', 'construction_interest', 'equipment', "
              '\'land\')), CONSTRAINT use_known CHECK ("use" IN (\'construction\', '
              "'compensation', 'land', 'equipment', 'design_supervision', 'contingency', "
              "'capital', 'debt_interest', 'wages', 'operating_costs', 'office_buildings', "
              "'image_projects', 'commercial')), CONSTRAINT amount_not_negative CHECK "
              '("amount_fen" >= 0), CONSTRAINT budget_line_name_unique UNIQUE ("project", "name"))',
              'CREATE INDEX budget_line_project ON "budget_line" USING btree ("project")',
              'CREATE TABLE "allocation" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"source" INTEGER NOT NULL REFERENCES "funding_source" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "budget_line" INTEGER NOT NULL REFERENCES '
              '"budget_line" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"amount_fen" BIGINT NOT NULL DEFAULT 0, "spent_fen" BIGINT NOT NULL DEFAULT 0, '
              '"transferred_fen" BIGINT NOT NULL DEFAULT 0, "allocated_on" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "note" TEXT NOT NULL DEFAULT \'\', CONSTRAINT allocation_one_per_line '
              'UNIQUE ("source", "budget_line"), CONSTRAINT amount_positive CHECK ("amount_fen" > '
              '0), CONSTRAINT outflow_within_allocation CHECK (spent_fen >= 0 AND transferred_fen '
              '>= 0 AND spent_fen + transferred_fen <= amount_fen))',
              'CREATE INDEX allocation_project ON "allocation" USING btree ("project")',
              'CREATE INDEX allocation_source ON "allocation" USING btree ("source")',
              'CREATE INDEX allocation_budget_line ON "allocation" USING btree ("budget_line")',
              'CREATE TABLE "spending" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"allocation" INTEGER NOT NULL REFERENCES "allocation" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "spent_on" '
              'DATE NOT NULL DEFAULT CURRENT_DATE, "amount_fen" BIGINT NOT NULL DEFAULT 0, "payee" '
              'VARCHAR(200) NOT NULL DEFAULT \'\', "voucher_no" VARCHAR(60) NOT NULL DEFAULT \'\', '
              '"purpose" VARCHAR(500) NOT NULL DEFAULT \'\', "from_transfer" INTEGER REFERENCES '
              '"spending" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "onward_fen" '
              'BIGINT NOT NULL DEFAULT 0, "recorded_by" INTEGER REFERENCES "app_user" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "recorded_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" IN (\'payment\', '
              '\'transfer\')), CONSTRAINT amount_positive CHECK ("amount_fen" > 0), CONSTRAINT '
              'onward_within_transfer CHECK (("onward_fen" >= 0 AND "onward_fen" <= '
              '"amount_fen")), CONSTRAINT spending_voucher_unique UNIQUE ("project", '
              '"voucher_no"))',
              'CREATE INDEX spending_project ON "spending" USING btree ("project")',
              'CREATE INDEX spending_allocation ON "spending" USING btree ("allocation")',
              'CREATE INDEX spending_from_transfer ON "spending" USING btree ("from_transfer")',
              'CREATE TABLE "work_progress" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "as_of" DATE NOT NULL DEFAULT CURRENT_DATE, "percent" NUMERIC(5, 2) DEFAULT '
              'null, "certified_fen" BIGINT DEFAULT null, CONSTRAINT work_progress_one_a_day '
              'UNIQUE ("project", "as_of"), CONSTRAINT something_recorded CHECK (percent IS NOT '
              'NULL OR certified_fen IS NOT NULL), CONSTRAINT percent_in_range CHECK (percent IS '
              'NULL OR (percent >= 0 AND percent <= 100)))',
              'CREATE INDEX work_progress_project ON "work_progress" USING btree ("project")',
              'CREATE TABLE "revenue_forecast" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "year" INTEGER NOT NULL DEFAULT 0, "item" VARCHAR(60) NOT NULL '
              'DEFAULT \'\', "revenue_fen" BIGINT NOT NULL DEFAULT 0, "cost_fen" BIGINT NOT NULL '
              'DEFAULT 0, CONSTRAINT revenue_forecast_one_item_a_year UNIQUE ("project", "year", '
              '"item"), CONSTRAINT amounts_not_negative CHECK (("revenue_fen" >= 0 AND "cost_fen" '
              '>= 0)))',
              'CREATE INDEX revenue_forecast_project ON "revenue_forecast" USING btree ("project")',
              'CREATE TABLE "item_share" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"item" INTEGER UNIQUE NOT NULL REFERENCES "consultation_item" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "basis" VARCHAR(20) NOT NULL DEFAULT \'\', '
              '"rate_fen" BIGINT NOT NULL DEFAULT 0, CONSTRAINT basis_known CHECK ("basis" IN '
              '(\'per_area\', \'flat\')), CONSTRAINT rate_positive CHECK ("rate_fen" > 0))',
              'CREATE INDEX item_share_project ON "item_share" USING btree ("project")',
              'CREATE TABLE "contribution" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "household" INTEGER NOT NULL REFERENCES "household" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES '
              '"consultation_item" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"due_fen" BIGINT NOT NULL DEFAULT 0, "paid_fen" BIGINT NOT NULL DEFAULT 0, "status" '
              'VARCHAR(20) NOT NULL DEFAULT \'due\', "last_paid_on" DATE DEFAULT null, CONSTRAINT '
              'contribution_one_per_household_item UNIQUE ("household", "item"), CONSTRAINT '
              'status_known CHECK ("status" IN (\'due\', \'part_paid\', \'paid\', \'waived\')), '
              'CONSTRAINT amounts_in_range CHECK ((("due_fen" >= 0 AND "paid_fen" >= 0) AND '
              '"paid_fen" <= "due_fen")))',
              'CREATE INDEX contribution_project ON "contribution" USING btree ("project")',
              'CREATE INDEX contribution_household ON "contribution" USING btree ("household")',
              'CREATE INDEX contribution_item ON "contribution" USING btree ("item")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='funding', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
