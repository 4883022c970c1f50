"""Issued documents, number counters, scheduler lease and job runs"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T11:53:28:855429"
VERSION = "1.38.0"
DESCRIPTION = 'Issued documents, number counters, scheduler lease and job runs'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "document_counter" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "series" VARCHAR(40) NOT NULL DEFAULT \'\', "year" INTEGER NOT NULL DEFAULT 0, '
            '"last" INTEGER NOT NULL DEFAULT 0, CONSTRAINT document_counter_series_unique UNIQUE '
            '("project", "series", "year"), CONSTRAINT last_not_negative CHECK (last >= 0))',
            'CREATE TABLE "issued_document" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "kind" VARCHAR(60) NOT NULL DEFAULT \'\', "series" VARCHAR(40) NOT NULL DEFAULT '
            '\'\', "number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "title" VARCHAR(255) NOT NULL '
            'DEFAULT \'\', "template" VARCHAR(200) NOT NULL DEFAULT \'\', "snapshot" TEXT NOT NULL '
            'DEFAULT \'\', "snapshot_sha256" VARCHAR(64) NOT NULL DEFAULT \'\', "verify_token" '
            'VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\', "status" VARCHAR(20) NOT NULL DEFAULT '
            '\'current\', "void_reason" TEXT NOT NULL DEFAULT \'\', "voided_at" TIMESTAMPTZ '
            'DEFAULT null, "superseded_by" INTEGER REFERENCES "issued_document" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "issued_by" INTEGER DEFAULT 0, "pdf" BLOB DEFAULT null, '
            '"pdf_sha256" VARCHAR(64) DEFAULT null, CONSTRAINT issued_document_number_unique '
            'UNIQUE ("project", "series", "number_text"), CONSTRAINT status_known CHECK ("status" '
            "IN ('current', 'voided')), CONSTRAINT voided_has_reason CHECK (status <> 'voided' OR "
            'length(trim(void_reason)) > 0))',
            'CREATE INDEX issued_document_project ON "issued_document" ("project")',
            'CREATE TABLE "scheduler_lease" ("id" INTEGER PRIMARY KEY NOT NULL, "name" VARCHAR(40) '
            'UNIQUE NOT NULL DEFAULT \'\', "holder" VARCHAR(120) NOT NULL DEFAULT \'\', '
            '"expires_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
            'CREATE TABLE "job_run" ("id" INTEGER PRIMARY KEY NOT NULL, "job" VARCHAR(80) NOT NULL '
            'DEFAULT \'\', "run_key" VARCHAR(80) NOT NULL DEFAULT \'\', "status" VARCHAR(20) NOT '
            'NULL DEFAULT \'running\', "started_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "finished_at" TIMESTAMPTZ DEFAULT null, "summary" TEXT NOT NULL '
            'DEFAULT \'\', CONSTRAINT job_run_key_unique UNIQUE ("job", "run_key"), CONSTRAINT '
            'status_known CHECK ("status" IN (\'running\', \'done\', \'failed\')))'],
 'postgres': ['CREATE TABLE "document_counter" ("id" SERIAL PRIMARY KEY NOT NULL, "project" '
              'INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "series" VARCHAR(40) NOT NULL DEFAULT \'\', "year" INTEGER NOT NULL '
              'DEFAULT 0, "last" INTEGER NOT NULL DEFAULT 0, CONSTRAINT '
              'document_counter_series_unique UNIQUE ("project", "series", "year"), CONSTRAINT '
              'last_not_negative CHECK (last >= 0))',
              'CREATE TABLE "issued_document" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "kind" VARCHAR(60) NOT NULL DEFAULT \'\', "series" VARCHAR(40) NOT NULL '
              'DEFAULT \'\', "number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "title" VARCHAR(255) '
              'NOT NULL DEFAULT \'\', "template" VARCHAR(200) NOT NULL DEFAULT \'\', "snapshot" '
              'TEXT NOT NULL DEFAULT \'\', "snapshot_sha256" VARCHAR(64) NOT NULL DEFAULT \'\', '
              '"verify_token" VARCHAR(64) UNIQUE NOT NULL DEFAULT \'\', "status" VARCHAR(20) NOT '
              'NULL DEFAULT \'current\', "void_reason" TEXT NOT NULL DEFAULT \'\', "voided_at" '
              'TIMESTAMPTZ DEFAULT null, "superseded_by" INTEGER REFERENCES "issued_document" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ '
              'NOT NULL DEFAULT current_timestamp, "issued_by" INTEGER DEFAULT 0, "pdf" BYTEA '
              'DEFAULT null, "pdf_sha256" VARCHAR(64) DEFAULT null, CONSTRAINT '
              'issued_document_number_unique UNIQUE ("project", "series", "number_text"), '
              'CONSTRAINT status_known CHECK ("status" IN (\'current\', \'voided\')), CONSTRAINT '
              "voided_has_reason CHECK (status <> 'voided' OR length(trim(void_reason)) > 0))",
              'CREATE INDEX issued_document_project ON "issued_document" USING btree ("project")',
              'CREATE TABLE "scheduler_lease" ("id" SERIAL PRIMARY KEY NOT NULL, "name" '
              'VARCHAR(40) UNIQUE NOT NULL DEFAULT \'\', "holder" VARCHAR(120) NOT NULL DEFAULT '
              '\'\', "expires_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
              'CREATE TABLE "job_run" ("id" SERIAL PRIMARY KEY NOT NULL, "job" VARCHAR(80) NOT '
              'NULL DEFAULT \'\', "run_key" VARCHAR(80) NOT NULL DEFAULT \'\', "status" '
              'VARCHAR(20) NOT NULL DEFAULT \'running\', "started_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "finished_at" TIMESTAMPTZ DEFAULT null, "summary" TEXT NOT NULL '
              'DEFAULT \'\', CONSTRAINT job_run_key_unique UNIQUE ("job", "run_key"), CONSTRAINT '
              'status_known CHECK ("status" IN (\'running\', \'done\', \'failed\')))']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
