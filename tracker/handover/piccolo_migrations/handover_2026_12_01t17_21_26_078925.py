"""Handover: terms, batches, milestones, units, acceptance, entitlements, slots, selections, appointments, records, ratings, warranty claims"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:21:26:078925"
VERSION = "1.38.0"
DESCRIPTION = 'Handover: terms, batches, milestones, units, acceptance, entitlements, slots, selections, appointments, records, ratings, warranty claims'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "handover_terms" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'UNIQUE NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "quota_m2_per_person" NUMERIC(10, 2) NOT NULL DEFAULT 0, '
            '"base_price_fen" INTEGER NOT NULL DEFAULT 0, "tier1_m2" NUMERIC(10, 2) NOT NULL '
            'DEFAULT 0, "tier2_m2" NUMERIC(10, 2) NOT NULL DEFAULT 0, "tier2_factor" NUMERIC(5, 3) '
            'NOT NULL DEFAULT 0, "shortfall_price_fen" INTEGER NOT NULL DEFAULT 0, "order_method" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "missed_slot" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"lottery_seed" VARCHAR(200) DEFAULT null, "idle_days" INTEGER NOT NULL DEFAULT 180, '
            'CONSTRAINT order_method_known CHECK ("order_method" IN (\'signing\', \'lottery\')), '
            'CONSTRAINT missed_slot_known CHECK ("missed_slot" IN (\'to_end\', \'next_slot\')), '
            'CONSTRAINT tiers_ordered CHECK (tier1_m2 >= 0 AND tier2_m2 >= tier1_m2 AND '
            'tier2_factor >= 1), CONSTRAINT prices_not_negative CHECK (base_price_fen >= 0 AND '
            'shortfall_price_fen >= 0 AND quota_m2_per_person > 0), CONSTRAINT idle_days_positive '
            'CHECK (idle_days > 0))',
            'CREATE TABLE "delivery_batch" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "name" VARCHAR(80) NOT NULL DEFAULT \'\', "planned_on" DATE NOT NULL DEFAULT '
            'CURRENT_DATE, "status" VARCHAR(20) NOT NULL DEFAULT \'planned\', "appointments_from" '
            'DATE DEFAULT null, "appointments_to" DATE DEFAULT null, CONSTRAINT batch_name_unique '
            'UNIQUE ("project", "name"), CONSTRAINT batch_status_known CHECK ("status" IN '
            "('planned', 'in_acceptance', 'delivering', 'delivered')), CONSTRAINT "
            'batch_window_ordered CHECK (appointments_from IS NULL OR appointments_to IS NULL OR '
            'appointments_from <= appointments_to))',
            'CREATE INDEX delivery_batch_project ON "delivery_batch" ("project")',
            'CREATE TABLE "batch_building" ("id" INTEGER PRIMARY KEY NOT NULL, "batch" INTEGER NOT '
            'NULL REFERENCES "delivery_batch" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "building" INTEGER UNIQUE NOT NULL REFERENCES "building" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "contractor" INTEGER REFERENCES '
            '"organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null)',
            'CREATE INDEX batch_building_batch ON "batch_building" ("batch")',
            'CREATE TABLE "building_milestone" ("id" INTEGER PRIMARY KEY NOT NULL, "building" '
            'INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "milestone" VARCHAR(30) NOT NULL DEFAULT \'\', "planned_on" DATE '
            'DEFAULT null, "forecast_on" DATE DEFAULT null, "actual_on" DATE DEFAULT null, '
            'CONSTRAINT milestone_unique UNIQUE ("building", "milestone"), CONSTRAINT '
            'milestone_known CHECK ("milestone" IN (\'topped_out\', \'units_accepted\', '
            "'completion_accepted', 'filed', 'handed_over')))",
            'CREATE INDEX building_milestone_building ON "building_milestone" ("building")',
            'CREATE TABLE "unit" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
            'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"dwelling" INTEGER UNIQUE NOT NULL REFERENCES "dwelling" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "building" INTEGER NOT NULL REFERENCES "building" ("id") '
            'ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "layout" VARCHAR(40) NOT NULL '
            'DEFAULT \'\', "floor" INTEGER NOT NULL DEFAULT 0, "orientation" VARCHAR(20) NOT NULL '
            'DEFAULT \'\', "contract_area" NUMERIC(10, 2) NOT NULL DEFAULT 0, "surveyed_area" '
            'NUMERIC(10, 2) DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT '
            '\'in_construction\', "idle_reason" TEXT NOT NULL DEFAULT \'\', CONSTRAINT '
            'unit_status_known CHECK ("status" IN (\'in_construction\', \'available\', '
            "'selected', 'handed_over')), CONSTRAINT unit_areas_positive CHECK (contract_area > 0 "
            'AND (surveyed_area IS NULL OR surveyed_area > 0)))',
            'CREATE INDEX unit_project ON "unit" ("project")',
            'CREATE INDEX unit_building ON "unit" ("building")',
            'CREATE INDEX unit_status ON "unit" ("status")',
            'CREATE TABLE "unit_acceptance" ("id" INTEGER PRIMARY KEY NOT NULL, "unit" INTEGER '
            'UNIQUE NOT NULL REFERENCES "unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "passed_on" DATE DEFAULT null, "builder_rep" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"supervisor_rep" VARCHAR(80) NOT NULL DEFAULT \'\', "owner_rep" VARCHAR(80) NOT NULL '
            "DEFAULT '')",
            'CREATE TABLE "acceptance_check" ("id" INTEGER PRIMARY KEY NOT NULL, "acceptance" '
            'INTEGER NOT NULL REFERENCES "unit_acceptance" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "item" INTEGER NOT NULL DEFAULT 0, "result" VARCHAR(20) NOT '
            'NULL DEFAULT \'pending\', "note" TEXT NOT NULL DEFAULT \'\', "issue" INTEGER '
            'REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"checked_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "checked_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
            'acceptance_item_unique UNIQUE ("acceptance", "item"), CONSTRAINT '
            'acceptance_item_known CHECK (item BETWEEN 1 AND 9), CONSTRAINT '
            'acceptance_result_known CHECK ("result" IN (\'pending\', \'passed\', \'failed\')), '
            "CONSTRAINT failed_item_has_issue CHECK (result <> 'failed' OR issue IS NOT NULL))",
            'CREATE INDEX acceptance_check_acceptance ON "acceptance_check" ("acceptance")',
            'CREATE INDEX acceptance_check_issue ON "acceptance_check" ("issue")',
            'CREATE TABLE "selection_slot" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "label" VARCHAR(80) NOT NULL DEFAULT \'\', "starts_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, "ends_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            'CONSTRAINT slot_label_unique UNIQUE ("project", "label"), CONSTRAINT slot_ordered '
            'CHECK (starts_at < ends_at))',
            'CREATE INDEX selection_slot_project ON "selection_slot" ("project")',
            'CREATE TABLE "entitlement" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"household" INTEGER NOT NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "persons" INTEGER NOT NULL DEFAULT 0, "quota_area" '
            'NUMERIC(10, 2) NOT NULL DEFAULT 0, "compensation_fen" INTEGER NOT NULL DEFAULT 0, '
            '"units_allowed" INTEGER NOT NULL DEFAULT 1, "signed_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "lottery_no" INTEGER DEFAULT null, "selection_order" INTEGER '
            'DEFAULT null, "slot" INTEGER REFERENCES "selection_slot" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "units_selected" INTEGER NOT NULL DEFAULT 0, CONSTRAINT '
            'entitlement_household_unique UNIQUE ("project", "household"), CONSTRAINT '
            'entitlement_order_unique UNIQUE ("project", "selection_order"), CONSTRAINT '
            'entitlement_counts CHECK (persons > 0 AND units_allowed >= 1 AND units_selected >= 0 '
            'AND units_selected <= units_allowed AND quota_area > 0))',
            'CREATE INDEX entitlement_project ON "entitlement" ("project")',
            'CREATE INDEX entitlement_household ON "entitlement" ("household")',
            'CREATE INDEX entitlement_slot ON "entitlement" ("slot")',
            'CREATE TABLE "selection" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"entitlement" INTEGER NOT NULL REFERENCES "entitlement" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "unit" INTEGER UNIQUE NOT NULL REFERENCES "unit" ("id") '
            'ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "selected_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, "selected_by" INTEGER REFERENCES "app_user" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "price_difference_fen" INTEGER NOT '
            'NULL DEFAULT 0, "true_up_fen" INTEGER DEFAULT null)',
            'CREATE INDEX selection_project ON "selection" ("project")',
            'CREATE INDEX selection_entitlement ON "selection" ("entitlement")',
            'CREATE TABLE "appointment_slot" ("id" INTEGER PRIMARY KEY NOT NULL, "batch" INTEGER '
            'NOT NULL REFERENCES "delivery_batch" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "day" DATE NOT NULL DEFAULT CURRENT_DATE, "starts_at" TIMESTAMPTZ NOT '
            'NULL DEFAULT current_timestamp, "capacity" INTEGER NOT NULL DEFAULT 0, "booked" '
            'INTEGER NOT NULL DEFAULT 0, CONSTRAINT appointment_slot_unique UNIQUE ("batch", '
            '"starts_at"), CONSTRAINT appointment_capacity CHECK (capacity > 0 AND booked >= 0 AND '
            'booked <= capacity))',
            'CREATE INDEX appointment_slot_batch ON "appointment_slot" ("batch")',
            'CREATE TABLE "appointment" ("id" INTEGER PRIMARY KEY NOT NULL, "time_slot" INTEGER '
            'NOT NULL REFERENCES "appointment_slot" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "selection" INTEGER UNIQUE NOT NULL REFERENCES "selection" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "booked_by" INTEGER REFERENCES '
            '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "booked_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
            'CREATE INDEX appointment_time_slot ON "appointment" ("time_slot")',
            'CREATE TABLE "handover_record" ("id" INTEGER PRIMARY KEY NOT NULL, "selection" '
            'INTEGER UNIQUE NOT NULL REFERENCES "selection" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "handed_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            '"keys" INTEGER NOT NULL DEFAULT 0, "water_reading" NUMERIC(12, 2) DEFAULT null, '
            '"electricity_reading" NUMERIC(12, 2) DEFAULT null, "gas_reading" NUMERIC(12, 2) '
            'DEFAULT null, "acknowledged" BOOLEAN NOT NULL DEFAULT false, "handed_by" INTEGER '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"note" TEXT NOT NULL DEFAULT \'\', CONSTRAINT handover_keys_positive CHECK (keys > '
            '0))',
            'CREATE TABLE "handover_rating" ("id" INTEGER PRIMARY KEY NOT NULL, "record" INTEGER '
            'UNIQUE NOT NULL REFERENCES "handover_record" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "service_score" INTEGER NOT NULL DEFAULT 0, "quality_score" '
            'INTEGER NOT NULL DEFAULT 0, "comment" TEXT NOT NULL DEFAULT \'\', CONSTRAINT '
            'rating_scores_in_range CHECK (service_score BETWEEN 1 AND 5 AND quality_score BETWEEN '
            '1 AND 5))',
            'CREATE TABLE "warranty_claim" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "unit" INTEGER NOT NULL REFERENCES "unit" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "part" VARCHAR(30) NOT NULL DEFAULT \'\', "description" TEXT '
            'NOT NULL DEFAULT \'\', "reported_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"in_warranty" BOOLEAN NOT NULL DEFAULT false, "reason" VARCHAR(300) NOT NULL DEFAULT '
            '\'\', "contractor" INTEGER REFERENCES "organisation" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "report" INTEGER REFERENCES "defect_report" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "at_handover" BOOLEAN NOT NULL '
            'DEFAULT false, CONSTRAINT warranty_part_known CHECK ("part" IN (\'structure\', '
            "'waterproofing', 'heating_cooling', 'electrical', 'plumbing', 'equipment', "
            "'fit_out')))",
            'CREATE INDEX warranty_claim_project ON "warranty_claim" ("project")',
            'CREATE INDEX warranty_claim_unit ON "warranty_claim" ("unit")',
            'CREATE INDEX warranty_claim_report ON "warranty_claim" ("report")'],
 'postgres': ['CREATE TABLE "handover_terms" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'UNIQUE NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "quota_m2_per_person" NUMERIC(10, 2) NOT NULL DEFAULT 0, '
              '"base_price_fen" BIGINT NOT NULL DEFAULT 0, "tier1_m2" NUMERIC(10, 2) NOT NULL '
              'DEFAULT 0, "tier2_m2" NUMERIC(10, 2) NOT NULL DEFAULT 0, "tier2_factor" NUMERIC(5, '
              '3) NOT NULL DEFAULT 0, "shortfall_price_fen" BIGINT NOT NULL DEFAULT 0, '
              '"order_method" VARCHAR(20) NOT NULL DEFAULT \'\', "missed_slot" VARCHAR(20) NOT '
              'NULL DEFAULT \'\', "lottery_seed" VARCHAR(200) DEFAULT null, "idle_days" INTEGER '
              'NOT NULL DEFAULT 180, CONSTRAINT order_method_known CHECK ("order_method" IN '
              '(\'signing\', \'lottery\')), CONSTRAINT missed_slot_known CHECK ("missed_slot" IN '
              "('to_end', 'next_slot')), CONSTRAINT tiers_ordered CHECK (tier1_m2 >= 0 AND "
              'tier2_m2 >= tier1_m2 AND tier2_factor >= 1), CONSTRAINT prices_not_negative CHECK '
              '(base_price_fen >= 0 AND shortfall_price_fen >= 0 AND quota_m2_per_person > 0), '
              'CONSTRAINT idle_days_positive CHECK (idle_days > 0))',
              'CREATE TABLE "delivery_batch" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "name" VARCHAR(80) NOT NULL DEFAULT \'\', "planned_on" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "status" VARCHAR(20) NOT NULL DEFAULT \'planned\', '
              '"appointments_from" DATE DEFAULT null, "appointments_to" DATE DEFAULT null, '
              'CONSTRAINT batch_name_unique UNIQUE ("project", "name"), CONSTRAINT '
              'batch_status_known CHECK ("status" IN (\'planned\', \'in_acceptance\', '
              "'delivering', 'delivered')), CONSTRAINT batch_window_ordered CHECK "
              '(appointments_from IS NULL OR appointments_to IS NULL OR appointments_from <= '
              'appointments_to))',
              'CREATE INDEX delivery_batch_project ON "delivery_batch" USING btree ("project")',
              'CREATE TABLE "batch_building" ("id" SERIAL PRIMARY KEY NOT NULL, "batch" INTEGER '
              'NOT NULL REFERENCES "delivery_batch" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "building" INTEGER UNIQUE NOT NULL REFERENCES "building" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "contractor" INTEGER REFERENCES '
              '"organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null)',
              'CREATE INDEX batch_building_batch ON "batch_building" USING btree ("batch")',
              'CREATE TABLE "building_milestone" ("id" SERIAL PRIMARY KEY NOT NULL, "building" '
              'INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "milestone" VARCHAR(30) NOT NULL DEFAULT \'\', "planned_on" DATE '
              'DEFAULT null, "forecast_on" DATE DEFAULT null, "actual_on" DATE DEFAULT null, '
              'CONSTRAINT milestone_unique UNIQUE ("building", "milestone"), CONSTRAINT '
              'milestone_known CHECK ("milestone" IN (\'topped_out\', \'units_accepted\', '
              "'completion_accepted', 'filed', 'handed_over')))",
              'CREATE INDEX building_milestone_building ON "building_milestone" USING btree '
              '("building")',
              'CREATE TABLE "unit" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
              'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"dwelling" INTEGER UNIQUE NOT NULL REFERENCES "dwelling" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "building" INTEGER NOT NULL REFERENCES "building" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "layout" VARCHAR(40) NOT '
              'NULL DEFAULT \'\', "floor" INTEGER NOT NULL DEFAULT 0, "orientation" VARCHAR(20) '
              'NOT NULL DEFAULT \'\', "contract_area" NUMERIC(10, 2) NOT NULL DEFAULT 0, '
              '"surveyed_area" NUMERIC(10, 2) DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT '
              '\'in_construction\', "idle_reason" TEXT NOT NULL DEFAULT \'\', CONSTRAINT '
              'unit_status_known CHECK ("status" IN (\'in_construction\', \'available\', '
              "'selected', 'handed_over')), CONSTRAINT unit_areas_positive CHECK (contract_area > "
              '0 AND (surveyed_area IS NULL OR surveyed_area > 0)))',
              'CREATE INDEX unit_project ON "unit" USING btree ("project")',
              'CREATE INDEX unit_building ON "unit" USING btree ("building")',
              'CREATE INDEX unit_status ON "unit" USING btree ("status")',
              'CREATE TABLE "unit_acceptance" ("id" SERIAL PRIMARY KEY NOT NULL, "unit" INTEGER '
              'UNIQUE NOT NULL REFERENCES "unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "passed_on" DATE DEFAULT null, "builder_rep" VARCHAR(80) NOT NULL '
              'DEFAULT \'\', "supervisor_rep" VARCHAR(80) NOT NULL DEFAULT \'\', "owner_rep" '
              "VARCHAR(80) NOT NULL DEFAULT '')",
              'CREATE TABLE "acceptance_check" ("id" SERIAL PRIMARY KEY NOT NULL, "acceptance" '
              'INTEGER NOT NULL REFERENCES "unit_acceptance" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "item" INTEGER NOT NULL DEFAULT 0, "result" VARCHAR(20) NOT '
              'NULL DEFAULT \'pending\', "note" TEXT NOT NULL DEFAULT \'\', "issue" INTEGER '
              'REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"checked_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "checked_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
              'acceptance_item_unique UNIQUE ("acceptance", "item"), CONSTRAINT '
              'acceptance_item_known CHECK (item BETWEEN 1 AND 9), CONSTRAINT '
              'acceptance_result_known CHECK ("result" IN (\'pending\', \'passed\', \'failed\')), '
              "CONSTRAINT failed_item_has_issue CHECK (result <> 'failed' OR issue IS NOT NULL))",
              'CREATE INDEX acceptance_check_acceptance ON "acceptance_check" USING btree '
              '("acceptance")',
              'CREATE INDEX acceptance_check_issue ON "acceptance_check" USING btree ("issue")',
              'CREATE TABLE "selection_slot" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "label" VARCHAR(80) NOT NULL DEFAULT \'\', "starts_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, "ends_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, CONSTRAINT slot_label_unique UNIQUE ("project", "label"), '
              'CONSTRAINT slot_ordered CHECK (starts_at < ends_at))',
              'CREATE INDEX selection_slot_project ON "selection_slot" USING btree ("project")',
              'CREATE TABLE "entitlement" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"household" INTEGER NOT NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "persons" INTEGER NOT NULL DEFAULT 0, "quota_area" '
              'NUMERIC(10, 2) NOT NULL DEFAULT 0, "compensation_fen" BIGINT NOT NULL DEFAULT 0, '
              '"units_allowed" INTEGER NOT NULL DEFAULT 1, "signed_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, "lottery_no" INTEGER DEFAULT null, "selection_order" '
              'INTEGER DEFAULT null, "slot" INTEGER REFERENCES "selection_slot" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "units_selected" INTEGER NOT NULL DEFAULT '
              '0, CONSTRAINT entitlement_household_unique UNIQUE ("project", "household"), '
              'CONSTRAINT entitlement_order_unique UNIQUE ("project", "selection_order"), '
              'CONSTRAINT entitlement_counts CHECK (persons > 0 AND units_allowed >= 1 AND '
              'units_selected >= 0 AND units_selected <= units_allowed AND quota_area > 0))',
              'CREATE INDEX entitlement_project ON "entitlement" USING btree ("project")',
              'CREATE INDEX entitlement_household ON "entitlement" USING btree ("household")',
              'CREATE INDEX entitlement_slot ON "entitlement" USING btree ("slot")',
              'CREATE TABLE "selection" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"entitlement" INTEGER NOT NULL REFERENCES "entitlement" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "unit" INTEGER UNIQUE NOT NULL REFERENCES "unit" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "selected_at" TIMESTAMPTZ '
              'NOT NULL DEFAULT current_timestamp, "selected_by" INTEGER REFERENCES "app_user" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "price_difference_fen" '
              'BIGINT NOT NULL DEFAULT 0, "true_up_fen" BIGINT DEFAULT null)',
              'CREATE INDEX selection_project ON "selection" USING btree ("project")',
              'CREATE INDEX selection_entitlement ON "selection" USING btree ("entitlement")',
              'CREATE TABLE "appointment_slot" ("id" SERIAL PRIMARY KEY NOT NULL, "batch" INTEGER '
              'NOT NULL REFERENCES "delivery_batch" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "day" DATE NOT NULL DEFAULT CURRENT_DATE, "starts_at" TIMESTAMPTZ NOT '
              'NULL DEFAULT current_timestamp, "capacity" INTEGER NOT NULL DEFAULT 0, "booked" '
              'INTEGER NOT NULL DEFAULT 0, CONSTRAINT appointment_slot_unique UNIQUE ("batch", '
              '"starts_at"), CONSTRAINT appointment_capacity CHECK (capacity > 0 AND booked >= 0 '
              'AND booked <= capacity))',
              'CREATE INDEX appointment_slot_batch ON "appointment_slot" USING btree ("batch")',
              'CREATE TABLE "appointment" ("id" SERIAL PRIMARY KEY NOT NULL, "time_slot" INTEGER '
              'NOT NULL REFERENCES "appointment_slot" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "selection" INTEGER UNIQUE NOT NULL REFERENCES "selection" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "booked_by" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "booked_at" '
              'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
              'CREATE INDEX appointment_time_slot ON "appointment" USING btree ("time_slot")',
              'CREATE TABLE "handover_record" ("id" SERIAL PRIMARY KEY NOT NULL, "selection" '
              'INTEGER UNIQUE NOT NULL REFERENCES "selection" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "handed_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              '"keys" INTEGER NOT NULL DEFAULT 0, "water_reading" NUMERIC(12, 2) DEFAULT null, '
              '"electricity_reading" NUMERIC(12, 2) DEFAULT null, "gas_reading" NUMERIC(12, 2) '
              'DEFAULT null, "acknowledged" BOOLEAN NOT NULL DEFAULT false, "handed_by" INTEGER '
              'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"note" TEXT NOT NULL DEFAULT \'\', CONSTRAINT handover_keys_positive CHECK (keys > '
              '0))',
              'CREATE TABLE "handover_rating" ("id" SERIAL PRIMARY KEY NOT NULL, "record" INTEGER '
              'UNIQUE NOT NULL REFERENCES "handover_record" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "service_score" INTEGER NOT NULL DEFAULT 0, "quality_score" '
              'INTEGER NOT NULL DEFAULT 0, "comment" TEXT NOT NULL DEFAULT \'\', CONSTRAINT '
              'rating_scores_in_range CHECK (service_score BETWEEN 1 AND 5 AND quality_score '
              'BETWEEN 1 AND 5))',
              'CREATE TABLE "warranty_claim" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "unit" INTEGER NOT NULL REFERENCES "unit" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "part" VARCHAR(30) NOT NULL DEFAULT \'\', "description" TEXT '
              'NOT NULL DEFAULT \'\', "reported_on" DATE NOT NULL DEFAULT CURRENT_DATE, '
              '"in_warranty" BOOLEAN NOT NULL DEFAULT false, "reason" VARCHAR(300) NOT NULL '
              'DEFAULT \'\', "contractor" INTEGER REFERENCES "organisation" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "report" INTEGER REFERENCES '
              '"defect_report" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"at_handover" BOOLEAN NOT NULL DEFAULT false, CONSTRAINT warranty_part_known CHECK '
              '("part" IN (\'structure\', \'waterproofing\', \'heating_cooling\', \'electrical\', '
              "'plumbing', 'equipment', 'fit_out')))",
              'CREATE INDEX warranty_claim_project ON "warranty_claim" USING btree ("project")',
              'CREATE INDEX warranty_claim_unit ON "warranty_claim" USING btree ("unit")',
              'CREATE INDEX warranty_claim_report ON "warranty_claim" USING btree ("report")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='handover', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
