"""Roll groups, tally and person cells so a tally reads sums, not every ballot; the audit head keeps its previous hash"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-11-23T15:09:27:889963"
VERSION = "1.38.0"
DESCRIPTION = 'Roll groups, tally and person cells so a tally reads sums, not every ballot; the audit head keeps its previous hash'

# Frozen DDL, generated once from the table classes; never edit an applied migration.
STATEMENTS = {'sqlite': ['CREATE TABLE "consultation_roll_group" ("id" INTEGER PRIMARY KEY NOT NULL, '
            '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
            'ON UPDATE CASCADE DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "office" '
            'VARCHAR(80) NOT NULL DEFAULT \'\', "subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"titles" INTEGER NOT NULL DEFAULT 0, "area_centi" INTEGER NOT NULL DEFAULT 0, '
            'CONSTRAINT roll_group_labels_unique UNIQUE ("consultation", "kind", "office", '
            '"subdistrict"), CONSTRAINT roll_group_not_empty CHECK ("titles" > 0 AND "area_centi" '
            '> 0))',
            'ALTER TABLE "consultation_roll_entry" ADD COLUMN "roll_group" INTEGER REFERENCES '
            '"consultation_roll_group" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null',
            'ALTER TABLE "consultation_roll_entry" ADD COLUMN "shared_head" BOOLEAN NOT NULL '
            'DEFAULT false',
            'CREATE INDEX consultation_roll_entry_roll_group ON "consultation_roll_entry" ("roll_group")',
            'CREATE INDEX consultation_roll_entry_owner_key ON "consultation_roll_entry" ("owner_key")',
            'CREATE TABLE "tally_cell" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" INTEGER '
            'NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "roll_group" INTEGER NOT NULL REFERENCES '
            '"consultation_roll_group" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
            '"choice" VARCHAR(10) NOT NULL DEFAULT \'\', "titles" INTEGER NOT NULL DEFAULT 0, '
            '"area_centi" INTEGER NOT NULL DEFAULT 0, CONSTRAINT tally_cell_unique UNIQUE '
            '("consultation", "item", "roll_group", "choice"), CONSTRAINT tally_cell_choice_known '
            'CHECK ("choice" IN (\'agree\', \'oppose\', \'abstain\', \'invalid\')))',
            'CREATE TABLE "person_cell" ("id" INTEGER PRIMARY KEY NOT NULL, "consultation" INTEGER '
            'NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
            'DEFAULT null, "item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") ON DELETE '
            'RESTRICT ON UPDATE CASCADE DEFAULT null, "depth" INTEGER NOT NULL DEFAULT 0, "kind" '
            'VARCHAR(20) NOT NULL DEFAULT \'\', "office" VARCHAR(80) NOT NULL DEFAULT \'\', '
            '"subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', "heads" INTEGER NOT NULL DEFAULT 0, '
            '"titles" INTEGER NOT NULL DEFAULT 0, "counted" INTEGER NOT NULL DEFAULT 0, "agree" '
            'INTEGER NOT NULL DEFAULT 0, "participating_heads" INTEGER NOT NULL DEFAULT 0, '
            '"agree_heads" INTEGER NOT NULL DEFAULT 0, CONSTRAINT person_cell_unique UNIQUE '
            '("consultation", "item", "depth", "kind", "office", "subdistrict"), CONSTRAINT '
            'person_cell_depth_known CHECK ("depth" BETWEEN 0 AND 3))',
            'ALTER TABLE "audit_head" ADD COLUMN "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\'',
            'UPDATE audit_head SET prev_hash = COALESCE((SELECT r.prev_hash FROM audit_record r '
            "WHERE r.seq = audit_head.seq), '')"],
 'postgres': ['CREATE TABLE "consultation_roll_group" ("id" SERIAL PRIMARY KEY NOT NULL, '
              '"consultation" INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT '
              'ON UPDATE CASCADE DEFAULT null, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "office" '
              'VARCHAR(80) NOT NULL DEFAULT \'\', "subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', '
              '"titles" INTEGER NOT NULL DEFAULT 0, "area_centi" BIGINT NOT NULL DEFAULT 0, '
              'CONSTRAINT roll_group_labels_unique UNIQUE ("consultation", "kind", "office", '
              '"subdistrict"), CONSTRAINT roll_group_not_empty CHECK ("titles" > 0 AND '
              '"area_centi" > 0))',
              'ALTER TABLE "consultation_roll_entry" ADD COLUMN "roll_group" INTEGER REFERENCES '
              '"consultation_roll_group" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null',
              'ALTER TABLE "consultation_roll_entry" ADD COLUMN "shared_head" BOOLEAN NOT NULL '
              'DEFAULT false',
              'CREATE INDEX consultation_roll_entry_roll_group ON "consultation_roll_entry" ("roll_group")',
              'CREATE INDEX consultation_roll_entry_owner_key ON "consultation_roll_entry" ("owner_key")',
              'CREATE TABLE "tally_cell" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" INTEGER '
              'NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") ON '
              'DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "roll_group" INTEGER NOT NULL '
              'REFERENCES "consultation_roll_group" ("id") ON DELETE RESTRICT ON UPDATE CASCADE '
              'DEFAULT null, "choice" VARCHAR(10) NOT NULL DEFAULT \'\', "titles" INTEGER NOT NULL '
              'DEFAULT 0, "area_centi" BIGINT NOT NULL DEFAULT 0, CONSTRAINT tally_cell_unique '
              'UNIQUE ("consultation", "item", "roll_group", "choice"), CONSTRAINT '
              'tally_cell_choice_known CHECK ("choice" IN (\'agree\', \'oppose\', \'abstain\', '
              "'invalid')))",
              'CREATE TABLE "person_cell" ("id" SERIAL PRIMARY KEY NOT NULL, "consultation" '
              'INTEGER NOT NULL REFERENCES "consultation" ("id") ON DELETE RESTRICT ON UPDATE '
              'CASCADE DEFAULT null, "item" INTEGER NOT NULL REFERENCES "consultation_item" ("id") '
              'ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "depth" INTEGER NOT NULL DEFAULT '
              '0, "kind" VARCHAR(20) NOT NULL DEFAULT \'\', "office" VARCHAR(80) NOT NULL DEFAULT '
              '\'\', "subdistrict" VARCHAR(80) NOT NULL DEFAULT \'\', "heads" INTEGER NOT NULL '
              'DEFAULT 0, "titles" INTEGER NOT NULL DEFAULT 0, "counted" INTEGER NOT NULL DEFAULT '
              '0, "agree" INTEGER NOT NULL DEFAULT 0, "participating_heads" INTEGER NOT NULL '
              'DEFAULT 0, "agree_heads" INTEGER NOT NULL DEFAULT 0, CONSTRAINT person_cell_unique '
              'UNIQUE ("consultation", "item", "depth", "kind", "office", "subdistrict"), '
              'CONSTRAINT person_cell_depth_known CHECK ("depth" BETWEEN 0 AND 3))',
              'ALTER TABLE "audit_head" ADD COLUMN "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\'',
              'UPDATE audit_head SET prev_hash = COALESCE((SELECT r.prev_hash FROM audit_record r '
              "WHERE r.seq = audit_head.seq), '')"]}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)
        # Existing consultations get their groups and cells from their roll and counted ballots.
        # (A fresh install has none, so this never runs code newer than the schema it expects.)
        from tracker.consultations import tally
        from tracker.consultations.tables import Consultation

        for row in await Consultation.select(Consultation.id):
            await tally.rebuild(row["id"])

    manager.add_raw(run)
    return manager
