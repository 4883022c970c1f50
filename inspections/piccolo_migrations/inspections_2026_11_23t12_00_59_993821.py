"""Quality supervision: issues, notices, replies, stop-work and resumption orders, inbox"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T12:00:59:993821"
VERSION = "1.38.0"
DESCRIPTION = 'Quality supervision: issues, notices, replies, stop-work and resumption orders, inbox'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "defect_category" ("id" INTEGER PRIMARY KEY NOT NULL, "code" VARCHAR(60) '
            'UNIQUE NOT NULL DEFAULT \'\', "name" VARCHAR(120) NOT NULL DEFAULT \'\', "kind" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "active" BOOLEAN NOT NULL DEFAULT true, "position" '
            'INTEGER NOT NULL DEFAULT 0, CONSTRAINT kind_known CHECK ("kind" IN (\'quality\', '
            "'safety')))",
            'CREATE TABLE "defect_report" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "reported_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "building" INTEGER REFERENCES "building" ("id") ON '
            'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "dwelling" INTEGER REFERENCES '
            '"dwelling" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "location" '
            'VARCHAR(255) NOT NULL DEFAULT \'\', "description" TEXT NOT NULL DEFAULT \'\', '
            '"status" VARCHAR(20) NOT NULL DEFAULT \'pending\', "decline_reason" TEXT NOT NULL '
            'DEFAULT \'\', "decided_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "decided_at" TIMESTAMPTZ DEFAULT null, "created_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT status_known CHECK '
            '("status" IN (\'pending\', \'accepted\', \'declined\')), CONSTRAINT '
            "declined_has_reason CHECK (status <> 'declined' OR length(trim(decline_reason)) > 0))",
            'CREATE INDEX defect_report_project ON "defect_report" ("project")',
            'CREATE TABLE "notice" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
            'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"series" VARCHAR(40) NOT NULL DEFAULT \'\', "year" INTEGER NOT NULL DEFAULT 0, '
            '"number" INTEGER NOT NULL DEFAULT 0, "number_text" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"addressed_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "issuing_org" INTEGER NOT NULL REFERENCES '
            '"organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "subject" '
            'VARCHAR(255) NOT NULL DEFAULT \'\', "content" TEXT NOT NULL DEFAULT \'\', '
            '"requirements" TEXT NOT NULL DEFAULT \'\', "deadline" DATE NOT NULL DEFAULT '
            'CURRENT_DATE, "status" VARCHAR(20) NOT NULL DEFAULT \'issued\', "void_reason" TEXT '
            'NOT NULL DEFAULT \'\', "superseded_by" INTEGER REFERENCES "notice" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "document" INTEGER NOT NULL REFERENCES '
            '"issued_document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issued_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "closed_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
            'notice_number_unique UNIQUE ("project", "series", "year", "number"), CONSTRAINT '
            'series_known CHECK ("series" IN (\'supervision\', \'station_rectification\', '
            "'station_partial_suspension', 'station_stop')), CONSTRAINT status_known CHECK "
            '("status" IN (\'issued\', \'closed\', \'voided\')), CONSTRAINT number_positive CHECK '
            "(number > 0), CONSTRAINT voided_has_reason CHECK (status <> 'voided' OR "
            'length(trim(void_reason)) > 0))',
            'CREATE INDEX notice_project ON "notice" ("project")',
            'CREATE INDEX notice_addressed_org ON "notice" ("addressed_org")',
            'CREATE TABLE "issue" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
            'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"building" INTEGER REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "dwelling" INTEGER REFERENCES "dwelling" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "part" VARCHAR(120) NOT NULL DEFAULT \'\', "location" '
            'VARCHAR(255) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"category" INTEGER NOT NULL REFERENCES "defect_category" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "severity" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"description" TEXT NOT NULL DEFAULT \'\', "responsible_org" INTEGER NOT NULL '
            'REFERENCES "organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"inspecting_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "deadline" DATE NOT NULL DEFAULT CURRENT_DATE, '
            '"status" VARCHAR(20) NOT NULL DEFAULT \'open\', "round" INTEGER NOT NULL DEFAULT 0, '
            '"rejections" INTEGER NOT NULL DEFAULT 0, "overdue" BOOLEAN NOT NULL DEFAULT false, '
            '"escalated_at" TIMESTAMPTZ DEFAULT null, "notice" INTEGER REFERENCES "notice" ("id") '
            'ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "report" INTEGER REFERENCES '
            '"defect_report" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "filed_by" '
            'INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            '"updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "closed_at" TIMESTAMPTZ '
            'DEFAULT null, CONSTRAINT kind_known CHECK ("kind" IN (\'quality\', \'safety\')), '
            'CONSTRAINT severity_known CHECK ("severity" IN (\'general\', \'serious\', '
            '\'major\')), CONSTRAINT status_known CHECK ("status" IN (\'open\', \'rectifying\', '
            "'submitted', 'verified', 'void')), CONSTRAINT description_present CHECK "
            '(length(trim(description)) > 0), CONSTRAINT counts_not_negative CHECK ("round" >= 0 '
            'AND rejections >= 0))',
            'CREATE INDEX issue_project ON "issue" ("project")',
            'CREATE INDEX issue_severity ON "issue" ("severity")',
            'CREATE INDEX issue_responsible_org ON "issue" ("responsible_org")',
            'CREATE INDEX issue_deadline ON "issue" ("deadline")',
            'CREATE INDEX issue_status ON "issue" ("status")',
            'CREATE INDEX issue_overdue ON "issue" ("overdue")',
            'CREATE INDEX issue_notice ON "issue" ("notice")',
            'CREATE INDEX issue_created_at ON "issue" ("created_at")',
            'CREATE TABLE "notice_issue" ("id" INTEGER PRIMARY KEY NOT NULL, "notice" INTEGER NOT '
            'NULL REFERENCES "notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, CONSTRAINT notice_issue_unique UNIQUE ("notice", "issue"))',
            'CREATE INDEX notice_issue_notice ON "notice_issue" ("notice")',
            'CREATE INDEX notice_issue_issue ON "notice_issue" ("issue")',
            'CREATE TABLE "issue_event" ("id" INTEGER PRIMARY KEY NOT NULL, "issue" INTEGER NOT '
            'NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"action" VARCHAR(20) NOT NULL DEFAULT \'\', "from_status" VARCHAR(20) DEFAULT null, '
            '"to_status" VARCHAR(20) NOT NULL DEFAULT \'\', "actor" INTEGER REFERENCES "app_user" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, "note" TEXT NOT NULL DEFAULT \'\', "deadline" DATE DEFAULT '
            'null, "round" INTEGER NOT NULL DEFAULT 0)',
            'CREATE INDEX issue_event_issue ON "issue_event" ("issue")',
            'CREATE TABLE "photo" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
            'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issue" INTEGER REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "report" INTEGER REFERENCES "defect_report" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "purpose" VARCHAR(20) NOT NULL DEFAULT \'\', "round" '
            'INTEGER NOT NULL DEFAULT 0, "content_type" VARCHAR(40) NOT NULL DEFAULT \'\', "size" '
            'INTEGER NOT NULL DEFAULT 0, "sha256" VARCHAR(64) NOT NULL DEFAULT \'\', "path" '
            'VARCHAR(255) NOT NULL DEFAULT \'\', "thumb_path" VARCHAR(255) NOT NULL DEFAULT \'\', '
            '"uploaded_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, CONSTRAINT purpose_known CHECK ("purpose" IN (\'finding\', '
            '\'evidence\', \'report\')), CONSTRAINT content_type_known CHECK ("content_type" IN '
            "('image/jpeg', 'image/png')))",
            'CREATE INDEX photo_project ON "photo" ("project")',
            'CREATE INDEX photo_issue ON "photo" ("issue")',
            'CREATE TABLE "reply" ("id" INTEGER PRIMARY KEY NOT NULL, "notice" INTEGER NOT NULL '
            'REFERENCES "notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "statement" TEXT NOT NULL DEFAULT \'\', "submitted_by" INTEGER '
            'NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "submitted_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
            'CREATE INDEX reply_notice ON "reply" ("notice")',
            'CREATE TABLE "reply_item" ("id" INTEGER PRIMARY KEY NOT NULL, "reply" INTEGER NOT '
            'NULL REFERENCES "reply" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "round" INTEGER NOT NULL DEFAULT 0, "explanation" TEXT NOT NULL '
            'DEFAULT \'\', "result" VARCHAR(20) DEFAULT null, "opinion" TEXT NOT NULL DEFAULT '
            '\'\', "rechecked_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "rechecked_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
            'reply_item_unique UNIQUE ("reply", "issue"), CONSTRAINT result_known CHECK (result IS '
            'NULL OR "result" IN (\'verified\', \'rejected\')))',
            'CREATE INDEX reply_item_reply ON "reply_item" ("reply")',
            'CREATE INDEX reply_item_issue ON "reply_item" ("issue")',
            'CREATE TABLE "stop_work_order" ("id" INTEGER PRIMARY KEY NOT NULL, "project" INTEGER '
            'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL DEFAULT 0, '
            '"number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "addressed_org" INTEGER NOT NULL '
            'REFERENCES "organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issuing_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "scope" VARCHAR(20) NOT NULL DEFAULT \'\', "building" '
            'INTEGER REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
            'null, "part" VARCHAR(255) NOT NULL DEFAULT \'\', "cause" VARCHAR(40) NOT NULL DEFAULT '
            '\'\', "cause_details" TEXT NOT NULL DEFAULT \'\', "effective_at" TIMESTAMPTZ NOT NULL '
            'DEFAULT current_timestamp, "requirements" TEXT NOT NULL DEFAULT \'\', '
            '"owner_consent_by" VARCHAR(120) NOT NULL DEFAULT \'\', "owner_consent_at" TIMESTAMPTZ '
            'DEFAULT null, "emergency" BOOLEAN NOT NULL DEFAULT false, "report_due_at" TIMESTAMPTZ '
            'DEFAULT null, "status" VARCHAR(20) NOT NULL DEFAULT \'in_force\', "void_reason" TEXT '
            'NOT NULL DEFAULT \'\', "document" INTEGER NOT NULL REFERENCES "issued_document" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "issued_by" INTEGER NOT '
            'NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issued_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "resumed_at" TIMESTAMPTZ '
            'DEFAULT null, CONSTRAINT stop_work_number_unique UNIQUE ("project", "year", '
            '"number"), CONSTRAINT scope_known CHECK ("scope" IN (\'project\', \'building\', '
            '\'part\')), CONSTRAINT cause_known CHECK ("cause" IN (\'owner_request\', '
            "'unapproved_work', 'design_deviation', 'mandatory_standard_breach', 'major_hazard')), "
            'CONSTRAINT status_known CHECK ("status" IN (\'in_force\', \'resumed\', \'voided\')), '
            "CONSTRAINT building_scope_names_building CHECK (scope <> 'building' OR building IS "
            'NOT NULL), CONSTRAINT consent_or_emergency CHECK ((owner_consent_at IS NOT NULL AND '
            'length(trim(owner_consent_by)) > 0) OR (emergency AND report_due_at IS NOT NULL)))',
            'CREATE INDEX stop_work_order_project ON "stop_work_order" ("project")',
            'CREATE TABLE "stop_work_issue" ("id" INTEGER PRIMARY KEY NOT NULL, "stop_order" '
            'INTEGER NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT stop_work_issue_unique UNIQUE '
            '("stop_order", "issue"))',
            'CREATE INDEX stop_work_issue_stop_order ON "stop_work_issue" ("stop_order")',
            'CREATE INDEX stop_work_issue_issue ON "stop_work_issue" ("issue")',
            'CREATE TABLE "resumption_application" ("id" INTEGER PRIMARY KEY NOT NULL, '
            '"stop_order" INTEGER NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "project" INTEGER NOT NULL REFERENCES "project" '
            '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "statement" TEXT NOT NULL '
            'DEFAULT \'\', "proposed_date" DATE NOT NULL DEFAULT CURRENT_DATE, "status" '
            'VARCHAR(20) NOT NULL DEFAULT \'applied\', "applied_by" INTEGER NOT NULL REFERENCES '
            '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "applied_at" '
            'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "review_opinion" TEXT NOT NULL '
            'DEFAULT \'\', "reviewed_by" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "reviewed_at" TIMESTAMPTZ DEFAULT null, '
            '"approval_opinion" TEXT NOT NULL DEFAULT \'\', "approved_by" INTEGER REFERENCES '
            '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "approved_at" '
            'TIMESTAMPTZ DEFAULT null, CONSTRAINT status_known CHECK ("status" IN (\'applied\', '
            "'reviewed', 'approved', 'refused', 'ordered')))",
            'CREATE INDEX resumption_application_stop_order ON "resumption_application" '
            '("stop_order")',
            'CREATE TABLE "resumption_order" ("id" INTEGER PRIMARY KEY NOT NULL, "stop_order" '
            'INTEGER UNIQUE NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "application" INTEGER NOT NULL REFERENCES '
            '"resumption_application" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE '
            'CASCADE DEFAULT null, "year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL '
            'DEFAULT 0, "number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "resume_at" TIMESTAMPTZ '
            'NOT NULL DEFAULT current_timestamp, "document" INTEGER NOT NULL REFERENCES '
            '"issued_document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"issued_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
            'UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, CONSTRAINT resumption_number_unique UNIQUE ("project", "year", '
            '"number"))',
            'CREATE TABLE "inbox_message" ("id" INTEGER PRIMARY KEY NOT NULL, "user" INTEGER NOT '
            'NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"day" DATE NOT NULL DEFAULT CURRENT_DATE, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', '
            '"subject" VARCHAR(255) NOT NULL DEFAULT \'\', "body" TEXT NOT NULL DEFAULT \'\', '
            '"issue_ids" TEXT NOT NULL DEFAULT \'\', "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
            'current_timestamp, "read_at" TIMESTAMPTZ DEFAULT null, "emailed" BOOLEAN NOT NULL '
            'DEFAULT false, CONSTRAINT inbox_message_unique UNIQUE ("user", "day", "kind"), '
            'CONSTRAINT kind_known CHECK ("kind" IN (\'digest\', \'escalation\')))',
            'CREATE INDEX inbox_message_user ON "inbox_message" ("user")'],
 'postgres': ['CREATE TABLE "defect_category" ("id" SERIAL PRIMARY KEY NOT NULL, "code" '
              'VARCHAR(60) UNIQUE NOT NULL DEFAULT \'\', "name" VARCHAR(120) NOT NULL DEFAULT '
              '\'\', "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "active" BOOLEAN NOT NULL DEFAULT '
              'true, "position" INTEGER NOT NULL DEFAULT 0, CONSTRAINT kind_known CHECK ("kind" IN '
              "('quality', 'safety')))",
              'CREATE TABLE "defect_report" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "reported_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "building" INTEGER REFERENCES "building" '
              '("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "dwelling" INTEGER '
              'REFERENCES "dwelling" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"location" VARCHAR(255) NOT NULL DEFAULT \'\', "description" TEXT NOT NULL DEFAULT '
              '\'\', "status" VARCHAR(20) NOT NULL DEFAULT \'pending\', "decline_reason" TEXT NOT '
              'NULL DEFAULT \'\', "decided_by" INTEGER REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "decided_at" TIMESTAMPTZ DEFAULT null, '
              '"created_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, CONSTRAINT '
              'status_known CHECK ("status" IN (\'pending\', \'accepted\', \'declined\')), '
              "CONSTRAINT declined_has_reason CHECK (status <> 'declined' OR "
              'length(trim(decline_reason)) > 0))',
              'CREATE INDEX defect_report_project ON "defect_report" USING btree ("project")',
              'CREATE TABLE "notice" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
              'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"series" VARCHAR(40) NOT NULL DEFAULT \'\', "year" INTEGER NOT NULL DEFAULT 0, '
              '"number" INTEGER NOT NULL DEFAULT 0, "number_text" VARCHAR(80) NOT NULL DEFAULT '
              '\'\', "addressed_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "issuing_org" INTEGER NOT NULL REFERENCES '
              '"organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "subject" '
              'VARCHAR(255) NOT NULL DEFAULT \'\', "content" TEXT NOT NULL DEFAULT \'\', '
              '"requirements" TEXT NOT NULL DEFAULT \'\', "deadline" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "status" VARCHAR(20) NOT NULL DEFAULT \'issued\', "void_reason" TEXT '
              'NOT NULL DEFAULT \'\', "superseded_by" INTEGER REFERENCES "notice" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "document" INTEGER NOT NULL REFERENCES '
              '"issued_document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issued_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "closed_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
              'notice_number_unique UNIQUE ("project", "series", "year", "number"), CONSTRAINT '
              'series_known CHECK ("series" IN (\'supervision\', \'station_rectification\', '
              "'station_partial_suspension', 'station_stop')), CONSTRAINT status_known CHECK "
              '("status" IN (\'issued\', \'closed\', \'voided\')), CONSTRAINT number_positive '
              "CHECK (number > 0), CONSTRAINT voided_has_reason CHECK (status <> 'voided' OR "
              'length(trim(void_reason)) > 0))',
              'CREATE INDEX notice_project ON "notice" USING btree ("project")',
              'CREATE INDEX notice_addressed_org ON "notice" USING btree ("addressed_org")',
              'CREATE TABLE "issue" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
              'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"building" INTEGER REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "dwelling" INTEGER REFERENCES "dwelling" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "part" VARCHAR(120) NOT NULL DEFAULT \'\', '
              '"location" VARCHAR(255) NOT NULL DEFAULT \'\', "kind" VARCHAR(20) NOT NULL DEFAULT '
              '\'\', "category" INTEGER NOT NULL REFERENCES "defect_category" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "severity" VARCHAR(20) NOT NULL DEFAULT '
              '\'\', "description" TEXT NOT NULL DEFAULT \'\', "responsible_org" INTEGER NOT NULL '
              'REFERENCES "organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"inspecting_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "deadline" DATE NOT NULL DEFAULT '
              'CURRENT_DATE, "status" VARCHAR(20) NOT NULL DEFAULT \'open\', "round" INTEGER NOT '
              'NULL DEFAULT 0, "rejections" INTEGER NOT NULL DEFAULT 0, "overdue" BOOLEAN NOT NULL '
              'DEFAULT false, "escalated_at" TIMESTAMPTZ DEFAULT null, "notice" INTEGER REFERENCES '
              '"notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "report" INTEGER '
              'REFERENCES "defect_report" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "filed_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "updated_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
              '"closed_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT kind_known CHECK ("kind" IN '
              '(\'quality\', \'safety\')), CONSTRAINT severity_known CHECK ("severity" IN '
              '(\'general\', \'serious\', \'major\')), CONSTRAINT status_known CHECK ("status" IN '
              "('open', 'rectifying', 'submitted', 'verified', 'void')), CONSTRAINT "
              'description_present CHECK (length(trim(description)) > 0), CONSTRAINT '
              'counts_not_negative CHECK ("round" >= 0 AND rejections >= 0))',
              'CREATE INDEX issue_project ON "issue" USING btree ("project")',
              'CREATE INDEX issue_severity ON "issue" USING btree ("severity")',
              'CREATE INDEX issue_responsible_org ON "issue" USING btree ("responsible_org")',
              'CREATE INDEX issue_deadline ON "issue" USING btree ("deadline")',
              'CREATE INDEX issue_status ON "issue" USING btree ("status")',
              'CREATE INDEX issue_overdue ON "issue" USING btree ("overdue")',
              'CREATE INDEX issue_notice ON "issue" USING btree ("notice")',
              'CREATE INDEX issue_created_at ON "issue" USING btree ("created_at")',
              'CREATE TABLE "notice_issue" ("id" SERIAL PRIMARY KEY NOT NULL, "notice" INTEGER NOT '
              'NULL REFERENCES "notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, CONSTRAINT notice_issue_unique UNIQUE ("notice", "issue"))',
              'CREATE INDEX notice_issue_notice ON "notice_issue" USING btree ("notice")',
              'CREATE INDEX notice_issue_issue ON "notice_issue" USING btree ("issue")',
              'CREATE TABLE "issue_event" ("id" SERIAL PRIMARY KEY NOT NULL, "issue" INTEGER NOT '
              'NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"action" VARCHAR(20) NOT NULL DEFAULT \'\', "from_status" VARCHAR(20) DEFAULT null, '
              '"to_status" VARCHAR(20) NOT NULL DEFAULT \'\', "actor" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "at" '
              'TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "note" TEXT NOT NULL DEFAULT \'\', '
              '"deadline" DATE DEFAULT null, "round" INTEGER NOT NULL DEFAULT 0)',
              'CREATE INDEX issue_event_issue ON "issue_event" USING btree ("issue")',
              'CREATE TABLE "photo" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER NOT NULL '
              'REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issue" INTEGER REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "report" INTEGER REFERENCES "defect_report" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "purpose" VARCHAR(20) NOT NULL DEFAULT \'\', '
              '"round" INTEGER NOT NULL DEFAULT 0, "content_type" VARCHAR(40) NOT NULL DEFAULT '
              '\'\', "size" INTEGER NOT NULL DEFAULT 0, "sha256" VARCHAR(64) NOT NULL DEFAULT '
              '\'\', "path" VARCHAR(255) NOT NULL DEFAULT \'\', "thumb_path" VARCHAR(255) NOT NULL '
              'DEFAULT \'\', "uploaded_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "created_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, CONSTRAINT purpose_known CHECK ("purpose" IN (\'finding\', '
              '\'evidence\', \'report\')), CONSTRAINT content_type_known CHECK ("content_type" IN '
              "('image/jpeg', 'image/png')))",
              'CREATE INDEX photo_project ON "photo" USING btree ("project")',
              'CREATE INDEX photo_issue ON "photo" USING btree ("issue")',
              'CREATE TABLE "reply" ("id" SERIAL PRIMARY KEY NOT NULL, "notice" INTEGER NOT NULL '
              'REFERENCES "notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "statement" TEXT NOT NULL DEFAULT \'\', "submitted_by" '
              'INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "submitted_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)',
              'CREATE INDEX reply_notice ON "reply" USING btree ("notice")',
              'CREATE TABLE "reply_item" ("id" SERIAL PRIMARY KEY NOT NULL, "reply" INTEGER NOT '
              'NULL REFERENCES "reply" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "round" INTEGER NOT NULL DEFAULT 0, "explanation" TEXT NOT '
              'NULL DEFAULT \'\', "result" VARCHAR(20) DEFAULT null, "opinion" TEXT NOT NULL '
              'DEFAULT \'\', "rechecked_by" INTEGER REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "rechecked_at" TIMESTAMPTZ DEFAULT null, '
              'CONSTRAINT reply_item_unique UNIQUE ("reply", "issue"), CONSTRAINT result_known '
              'CHECK (result IS NULL OR "result" IN (\'verified\', \'rejected\')))',
              'CREATE INDEX reply_item_reply ON "reply_item" USING btree ("reply")',
              'CREATE INDEX reply_item_issue ON "reply_item" USING btree ("issue")',
              'CREATE TABLE "stop_work_order" ("id" SERIAL PRIMARY KEY NOT NULL, "project" INTEGER '
              'NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL DEFAULT 0, '
              '"number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "addressed_org" INTEGER NOT NULL '
              'REFERENCES "organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issuing_org" INTEGER NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "scope" VARCHAR(20) NOT NULL DEFAULT \'\', '
              '"building" INTEGER REFERENCES "building" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "part" VARCHAR(255) NOT NULL DEFAULT \'\', "cause" '
              'VARCHAR(40) NOT NULL DEFAULT \'\', "cause_details" TEXT NOT NULL DEFAULT \'\', '
              '"effective_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "requirements" TEXT '
              'NOT NULL DEFAULT \'\', "owner_consent_by" VARCHAR(120) NOT NULL DEFAULT \'\', '
              '"owner_consent_at" TIMESTAMPTZ DEFAULT null, "emergency" BOOLEAN NOT NULL DEFAULT '
              'false, "report_due_at" TIMESTAMPTZ DEFAULT null, "status" VARCHAR(20) NOT NULL '
              'DEFAULT \'in_force\', "void_reason" TEXT NOT NULL DEFAULT \'\', "document" INTEGER '
              'NOT NULL REFERENCES "issued_document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "issued_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "resumed_at" TIMESTAMPTZ DEFAULT null, CONSTRAINT '
              'stop_work_number_unique UNIQUE ("project", "year", "number"), CONSTRAINT '
              'scope_known CHECK ("scope" IN (\'project\', \'building\', \'part\')), CONSTRAINT '
              'cause_known CHECK ("cause" IN (\'owner_request\', \'unapproved_work\', '
              "'design_deviation', 'mandatory_standard_breach', 'major_hazard')), CONSTRAINT "
              'status_known CHECK ("status" IN (\'in_force\', \'resumed\', \'voided\')), '
              "CONSTRAINT building_scope_names_building CHECK (scope <> 'building' OR building IS "
              'NOT NULL), CONSTRAINT consent_or_emergency CHECK ((owner_consent_at IS NOT NULL AND '
              'length(trim(owner_consent_by)) > 0) OR (emergency AND report_due_at IS NOT NULL)))',
              'CREATE INDEX stop_work_order_project ON "stop_work_order" USING btree ("project")',
              'CREATE TABLE "stop_work_issue" ("id" SERIAL PRIMARY KEY NOT NULL, "stop_order" '
              'INTEGER NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "issue" INTEGER NOT NULL REFERENCES "issue" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, CONSTRAINT stop_work_issue_unique UNIQUE '
              '("stop_order", "issue"))',
              'CREATE INDEX stop_work_issue_stop_order ON "stop_work_issue" USING btree '
              '("stop_order")',
              'CREATE INDEX stop_work_issue_issue ON "stop_work_issue" USING btree ("issue")',
              'CREATE TABLE "resumption_application" ("id" SERIAL PRIMARY KEY NOT NULL, '
              '"stop_order" INTEGER NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "project" INTEGER NOT NULL REFERENCES '
              '"project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "statement" '
              'TEXT NOT NULL DEFAULT \'\', "proposed_date" DATE NOT NULL DEFAULT CURRENT_DATE, '
              '"status" VARCHAR(20) NOT NULL DEFAULT \'applied\', "applied_by" INTEGER NOT NULL '
              'REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"applied_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "review_opinion" TEXT '
              'NOT NULL DEFAULT \'\', "reviewed_by" INTEGER REFERENCES "app_user" ("id") ON DELETE '
              'RESTRICT ON UPDATE CASCADE DEFAULT null, "reviewed_at" TIMESTAMPTZ DEFAULT null, '
              '"approval_opinion" TEXT NOT NULL DEFAULT \'\', "approved_by" INTEGER REFERENCES '
              '"app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "approved_at" '
              'TIMESTAMPTZ DEFAULT null, CONSTRAINT status_known CHECK ("status" IN (\'applied\', '
              "'reviewed', 'approved', 'refused', 'ordered')))",
              'CREATE INDEX resumption_application_stop_order ON "resumption_application" USING '
              'btree ("stop_order")',
              'CREATE TABLE "resumption_order" ("id" SERIAL PRIMARY KEY NOT NULL, "stop_order" '
              'INTEGER UNIQUE NOT NULL REFERENCES "stop_work_order" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "application" INTEGER NOT NULL REFERENCES '
              '"resumption_application" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"project" INTEGER NOT NULL REFERENCES "project" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "year" INTEGER NOT NULL DEFAULT 0, "number" INTEGER NOT NULL '
              'DEFAULT 0, "number_text" VARCHAR(80) NOT NULL DEFAULT \'\', "resume_at" TIMESTAMPTZ '
              'NOT NULL DEFAULT current_timestamp, "document" INTEGER NOT NULL REFERENCES '
              '"issued_document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
              '"issued_by" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON '
              'UPDATE CASCADE DEFAULT null, "issued_at" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, CONSTRAINT resumption_number_unique UNIQUE ("project", "year", '
              '"number"))',
              'CREATE TABLE "inbox_message" ("id" SERIAL PRIMARY KEY NOT NULL, "user" INTEGER NOT '
              'NULL REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT '
              'null, "day" DATE NOT NULL DEFAULT CURRENT_DATE, "kind" VARCHAR(20) NOT NULL DEFAULT '
              '\'\', "subject" VARCHAR(255) NOT NULL DEFAULT \'\', "body" TEXT NOT NULL DEFAULT '
              '\'\', "issue_ids" TEXT NOT NULL DEFAULT \'\', "created_at" TIMESTAMPTZ NOT NULL '
              'DEFAULT current_timestamp, "read_at" TIMESTAMPTZ DEFAULT null, "emailed" BOOLEAN '
              'NOT NULL DEFAULT false, CONSTRAINT inbox_message_unique UNIQUE ("user", "day", '
              '"kind"), CONSTRAINT kind_known CHECK ("kind" IN (\'digest\', \'escalation\')))',
              'CREATE INDEX inbox_message_user ON "inbox_message" USING btree ("user")']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='inspections', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
