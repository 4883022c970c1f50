"""Accounts, register and audit log"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T11:43:33:202293"
VERSION = "1.38.0"
DESCRIPTION = 'Accounts, register and audit log'

# The audit chain starts from an all-zero hash.
GENESIS = "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')"

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "organisation" ("id" INTEGER PRIMARY KEY NOT NULL, "name" VARCHAR(200) '
            'UNIQUE NOT NULL DEFAULT \'\', "kind" VARCHAR(40) NOT NULL DEFAULT \'\', "created_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known CHECK ("kind" '
            "IN ('owner', 'supervision', 'contractor', 'designer', 'quality_station', "
            "'subdistrict', 'community', 'expropriation_office', 'property_manager', "
            "'finance_bureau')))",
            'CREATE TABLE "project" ("id" INTEGER PRIMARY KEY NOT NULL, "code" VARCHAR(40) UNIQUE '
            'NOT NULL DEFAULT \'\', "name" VARCHAR(200) NOT NULL DEFAULT \'\', "kind" VARCHAR(40) '
            'NOT NULL DEFAULT \'\', "district" VARCHAR(80) NOT NULL DEFAULT \'\', "subdistrict" '
            'VARCHAR(80) NOT NULL DEFAULT \'\', "address" VARCHAR(255) NOT NULL DEFAULT \'\', '
            '"status" VARCHAR(20) NOT NULL DEFAULT \'planning\', "planned_start" DATE DEFAULT '
            'null, "planned_end" DATE DEFAULT null, "actual_start" DATE DEFAULT null, "actual_end" '
            'DATE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            'CONSTRAINT kind_known CHECK ("kind" IN (\'retrofit\', \'resettlement_housing\', '
            '\'expropriation_parcel\')), CONSTRAINT status_known CHECK ("status" IN (\'planning\', '
            "'active', 'completed', 'cancelled')))",
            'CREATE TABLE "building" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"name" VARCHAR(80) NOT NULL DEFAULT \'\', "floors" NUMERIC(4, 0) DEFAULT null, '
            '"built_year" NUMERIC(4, 0) DEFAULT null, "address" VARCHAR(255) NOT NULL DEFAULT '
            '\'\', CONSTRAINT name_unique_in_project UNIQUE ("project", "name"))',
            'CREATE INDEX building_project ON "building" ("project")',
            'CREATE TABLE "dwelling" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"building" INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "number" VARCHAR(40) NOT NULL DEFAULT \'\', "stairwell" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "floor" NUMERIC(4, 0) DEFAULT null, '
            '"registered_area" NUMERIC(12, 2) DEFAULT null, "surveyed_area" NUMERIC(12, 2) DEFAULT '
            'null, "contract_area" NUMERIC(12, 2) DEFAULT null, CONSTRAINT '
            'number_unique_in_building UNIQUE ("building", "number"), CONSTRAINT areas_positive '
            'CHECK (((("registered_area" IS NULL OR "registered_area" > 0) AND ("surveyed_area" IS '
            'NULL OR "surveyed_area" > 0)) AND ("contract_area" IS NULL OR "contract_area" > 0))))',
            'CREATE INDEX dwelling_project ON "dwelling" ("project")',
            'CREATE INDEX dwelling_building ON "dwelling" ("building")',
            'CREATE TABLE "household" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT '
            'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"certificate_no" VARCHAR(80) NOT NULL DEFAULT \'\', "holder_names" VARCHAR(255) NOT '
            'NULL DEFAULT \'\', "owner_key" VARCHAR(128) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) '
            'NOT NULL DEFAULT \'resident\', "office" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', "phone" VARCHAR(40) NOT NULL DEFAULT '
            '\'\', "contact_status" VARCHAR(20) NOT NULL DEFAULT \'reachable\', "strategy" TEXT '
            'NOT NULL DEFAULT \'\', "strategy_updated_at" TIMESTAMPTZ DEFAULT null, "created_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
            'certificate_unique_in_project UNIQUE ("project", "certificate_no"), CONSTRAINT '
            'kind_known CHECK ("kind" IN (\'resident\', \'work_unit\', \'developer_unsold\')), '
            'CONSTRAINT contact_status_known CHECK ("contact_status" IN (\'reachable\', '
            "'lost')))",
            'CREATE INDEX household_project ON "household" ("project")',
            'CREATE INDEX household_owner_key ON "household" ("owner_key")',
            'CREATE INDEX household_office ON "household" ("office")',
            'CREATE INDEX household_subdistrict ON "household" ("subdistrict")',
            'CREATE TABLE "holding" ("id" INTEGER PRIMARY KEY NOT NULL, "household" INTEGER NOT '
            'NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"dwelling" INTEGER UNIQUE NOT NULL REFERENCES "dwelling" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null)',
            'CREATE INDEX holding_household ON "holding" ("household")',
            'CREATE TABLE "app_user" ("id" INTEGER PRIMARY KEY NOT NULL, "username" VARCHAR(80) '
            'UNIQUE NOT NULL DEFAULT \'\', "display_name" VARCHAR(120) NOT NULL DEFAULT \'\', '
            '"password_hash" VARCHAR(255) NOT NULL DEFAULT \'\', "role" VARCHAR(40) NOT NULL '
            'DEFAULT \'\', "organisation" INTEGER REFERENCES "organisation" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "household" INTEGER REFERENCES "household" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "locale" VARCHAR(10) '
            'DEFAULT \'\', "active" BOOLEAN NOT NULL DEFAULT true, "created_at" TIMESTAMPTZ NOT '
            'NULL DEFAULT current_timestamp, CONSTRAINT role_known CHECK ("role" IN (\'admin\', '
            "'project_manager', 'inspector', 'chief_inspector', 'contractor', 'community_staff', "
            "'finance', 'resident')))",
            'CREATE TABLE "membership" ("id" INTEGER PRIMARY KEY NOT NULL, "user" INTEGER NOT NULL '
            'REFERENCES "app_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null, '
            '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE ON UPDATE '
            'CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            'CONSTRAINT one_membership UNIQUE ("user", "project"))',
            'CREATE TABLE "file_entry" ("id" INTEGER PRIMARY KEY NOT NULL, "household" INTEGER NOT '
            'NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"kind" VARCHAR(20) NOT NULL DEFAULT \'\', "occurred_on" DATE NOT NULL DEFAULT '
            'CURRENT_DATE, "summary" TEXT NOT NULL DEFAULT \'\', "author" INTEGER NOT NULL '
            'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known '
            'CHECK ("kind" IN (\'visit\', \'call\', \'hearing\', \'note\')), CONSTRAINT '
            'summary_present CHECK (length(trim("summary")) > 0))',
            'CREATE INDEX file_entry_household ON "file_entry" ("household")',
            'CREATE TABLE "web_session" ("id" INTEGER PRIMARY KEY NOT NULL, "key" VARCHAR(100) '
            'UNIQUE NOT NULL DEFAULT \'\', "data" BLOB NOT NULL DEFAULT \'\', "expires_at" '
            'TIMESTAMPTZ DEFAULT null)',
            'CREATE INDEX web_session_expires_at ON "web_session" ("expires_at")',
            'CREATE TABLE "login_attempt" ("id" INTEGER PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
            'NOT NULL DEFAULT \'\', "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
            'CREATE INDEX login_attempt_key ON "login_attempt" ("key")',
            'CREATE INDEX login_attempt_at ON "login_attempt" ("at")',
            'CREATE TABLE "audit_record" ("id" INTEGER PRIMARY KEY NOT NULL, "seq" INTEGER UNIQUE '
            'NOT NULL DEFAULT 0, "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "actor_id" '
            'INTEGER DEFAULT 0, "actor_name" VARCHAR(120) NOT NULL DEFAULT \'\', "action" '
            'VARCHAR(80) NOT NULL DEFAULT \'\', "entity" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"entity_id" VARCHAR(80) NOT NULL DEFAULT \'\', "payload" TEXT NOT NULL DEFAULT \'\', '
            '"prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\', "hash" VARCHAR(64) UNIQUE NOT NULL '
            "DEFAULT '', CONSTRAINT seq_positive CHECK (seq > 0))",
            'CREATE INDEX audit_record_action ON "audit_record" ("action")',
            'CREATE TABLE "audit_head" ("id" INTEGER PRIMARY KEY NOT NULL, "seq" INTEGER NOT NULL '
            'DEFAULT 0, "hash" VARCHAR(64) NOT NULL DEFAULT \'\', CONSTRAINT single_row CHECK (id '
            '= 1))',
            GENESIS],
 'postgres': ['CREATE TABLE "organisation" ("id" SERIAL PRIMARY KEY NOT NULL, "name" VARCHAR(200) '
              'UNIQUE NOT NULL DEFAULT \'\', "kind" VARCHAR(40) NOT NULL DEFAULT \'\', '
              '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known '
              'CHECK ("kind" IN (\'owner\', \'supervision\', \'contractor\', \'designer\', '
              "'quality_station', 'subdistrict', 'community', 'expropriation_office', "
              "'property_manager', 'finance_bureau')))",
              'CREATE TABLE "project" ("id" SERIAL PRIMARY KEY NOT NULL, "code" VARCHAR(40) UNIQUE '
              'NOT NULL DEFAULT \'\', "name" VARCHAR(200) NOT NULL DEFAULT \'\', "kind" '
              'VARCHAR(40) NOT NULL DEFAULT \'\', "district" VARCHAR(80) NOT NULL DEFAULT \'\', '
              '"subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', "address" VARCHAR(255) NOT NULL '
              'DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT \'planning\', "planned_start" '
              'DATE DEFAULT null, "planned_end" DATE DEFAULT null, "actual_start" DATE DEFAULT '
              'null, "actual_end" DATE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, CONSTRAINT kind_known CHECK ("kind" IN (\'retrofit\', '
              "'resettlement_housing', 'expropriation_parcel')), CONSTRAINT status_known CHECK "
              '("status" IN (\'planning\', \'active\', \'completed\', \'cancelled\')))',
              'CREATE TABLE "building" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"name" VARCHAR(80) NOT NULL DEFAULT \'\', "floors" NUMERIC(4, 0) DEFAULT null, '
              '"built_year" NUMERIC(4, 0) DEFAULT null, "address" VARCHAR(255) NOT NULL DEFAULT '
              '\'\', CONSTRAINT name_unique_in_project UNIQUE ("project", "name"))',
              'CREATE INDEX building_project ON "building" USING btree ("project")',
              'CREATE TABLE "dwelling" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"building" INTEGER NOT NULL REFERENCES "building" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "number" VARCHAR(40) NOT NULL DEFAULT \'\', '
              '"stairwell" VARCHAR(20) NOT NULL DEFAULT \'\', "floor" NUMERIC(4, 0) DEFAULT null, '
              '"registered_area" NUMERIC(12, 2) DEFAULT null, "surveyed_area" NUMERIC(12, 2) '
              'DEFAULT null, "contract_area" NUMERIC(12, 2) DEFAULT null, CONSTRAINT '
              'number_unique_in_building UNIQUE ("building", "number"), CONSTRAINT areas_positive '
              'CHECK (((("registered_area" IS NULL OR "registered_area" > 0) AND ("surveyed_area" '
              'IS NULL OR "surveyed_area" > 0)) AND ("contract_area" IS NULL OR "contract_area" > '
              '0))))',
              'CREATE INDEX dwelling_project ON "dwelling" USING btree ("project")',
              'CREATE INDEX dwelling_building ON "dwelling" USING btree ("building")',
              'CREATE TABLE "household" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT '
              'NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"certificate_no" VARCHAR(80) NOT NULL DEFAULT \'\', "holder_names" VARCHAR(255) NOT '
              'NULL DEFAULT \'\', "owner_key" VARCHAR(128) NOT NULL DEFAULT \'\', "kind" '
              'VARCHAR(20) NOT NULL DEFAULT \'resident\', "office" VARCHAR(80) NOT NULL DEFAULT '
              '\'\', "subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', "phone" VARCHAR(40) NOT NULL '
              'DEFAULT \'\', "contact_status" VARCHAR(20) NOT NULL DEFAULT \'reachable\', '
              '"strategy" TEXT NOT NULL DEFAULT \'\', "strategy_updated_at" TIMESTAMPTZ DEFAULT '
              'null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
              'certificate_unique_in_project UNIQUE ("project", "certificate_no"), CONSTRAINT '
              'kind_known CHECK ("kind" IN (\'resident\', \'work_unit\', \'developer_unsold\')), '
              'CONSTRAINT contact_status_known CHECK ("contact_status" IN (\'reachable\', '
              "'lost')))",
              'CREATE INDEX household_project ON "household" USING btree ("project")',
              'CREATE INDEX household_owner_key ON "household" USING btree ("owner_key")',
              'CREATE INDEX household_office ON "household" USING btree ("office")',
              'CREATE INDEX household_subdistrict ON "household" USING btree ("subdistrict")',
              'CREATE TABLE "holding" ("id" SERIAL PRIMARY KEY NOT NULL, "household" INTEGER NOT '
              'NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "dwelling" INTEGER UNIQUE NOT NULL REFERENCES "dwelling" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null)',
              'CREATE INDEX holding_household ON "holding" USING btree ("household")',
              'CREATE TABLE "app_user" ("id" SERIAL PRIMARY KEY NOT NULL, "username" VARCHAR(80) '
              'UNIQUE NOT NULL DEFAULT \'\', "display_name" VARCHAR(120) NOT NULL DEFAULT \'\', '
              '"password_hash" VARCHAR(255) NOT NULL DEFAULT \'\', "role" VARCHAR(40) NOT NULL '
              'DEFAULT \'\', "organisation" INTEGER REFERENCES "organisation" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "household" INTEGER REFERENCES "household" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "locale" VARCHAR(10) '
              'DEFAULT \'\', "active" BOOLEAN NOT NULL DEFAULT true, "created_at" TIMESTAMPTZ NOT '
              'NULL DEFAULT current_timestamp, CONSTRAINT role_known CHECK ("role" IN (\'admin\', '
              "'project_manager', 'inspector', 'chief_inspector', 'contractor', 'community_staff', "
              "'finance', 'resident')))",
              'CREATE TABLE "membership" ("id" SERIAL PRIMARY KEY NOT NULL, "user" INTEGER NOT '
              'NULL REFERENCES "app_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null, '
              '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE CASCADE ON UPDATE '
              'CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              'CONSTRAINT one_membership UNIQUE ("user", "project"))',
              'CREATE TABLE "file_entry" ("id" SERIAL PRIMARY KEY NOT NULL, "household" INTEGER '
              'NOT NULL REFERENCES "household" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "occurred_on" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "summary" TEXT NOT NULL DEFAULT \'\', "author" INTEGER NOT NULL '
              'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT kind_known '
              'CHECK ("kind" IN (\'visit\', \'call\', \'hearing\', \'note\')), CONSTRAINT '
              'summary_present CHECK (length(trim("summary")) > 0))',
              'CREATE INDEX file_entry_household ON "file_entry" USING btree ("household")',
              'CREATE TABLE "web_session" ("id" SERIAL PRIMARY KEY NOT NULL, "key" VARCHAR(100) '
              'UNIQUE NOT NULL DEFAULT \'\', "data" BYTEA NOT NULL DEFAULT \'\', "expires_at" '
              'TIMESTAMPTZ DEFAULT null)',
              'CREATE INDEX web_session_expires_at ON "web_session" USING btree ("expires_at")',
              'CREATE TABLE "login_attempt" ("id" SERIAL PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
              'NOT NULL DEFAULT \'\', "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
              'CREATE INDEX login_attempt_key ON "login_attempt" USING btree ("key")',
              'CREATE INDEX login_attempt_at ON "login_attempt" USING btree ("at")',
              'CREATE TABLE "audit_record" ("id" SERIAL PRIMARY KEY NOT NULL, "seq" BIGINT UNIQUE '
              'NOT NULL DEFAULT 0, "at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "actor_id" '
              'INTEGER DEFAULT 0, "actor_name" VARCHAR(120) NOT NULL DEFAULT \'\', "action" '
              'VARCHAR(80) NOT NULL DEFAULT \'\', "entity" VARCHAR(80) NOT NULL DEFAULT \'\', '
              '"entity_id" VARCHAR(80) NOT NULL DEFAULT \'\', "payload" TEXT NOT NULL DEFAULT '
              '\'\', "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\', "hash" VARCHAR(64) UNIQUE NOT '
              "NULL DEFAULT '', CONSTRAINT seq_positive CHECK (seq > 0))",
              'CREATE INDEX audit_record_action ON "audit_record" USING btree ("action")',
              'CREATE TABLE "audit_head" ("id" SERIAL PRIMARY KEY NOT NULL, "seq" BIGINT NOT NULL '
              'DEFAULT 0, "hash" VARCHAR(64) NOT NULL DEFAULT \'\', CONSTRAINT single_row CHECK '
              '(id = 1))',
              GENESIS]}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
