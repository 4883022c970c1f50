"""Attempt counters raised in one statement before the password or code is checked replace the failed-attempt logs"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T14:23:33:522210"
VERSION = "1.38.0"
DESCRIPTION = 'Attempt counters raised in one statement before the password or code is checked replace the failed-attempt logs'

# Frozen DDL, generated once from the table classes; never edit an applied migration. The two drops were
# added by hand: failed attempts are no longer logged one row each.
STATEMENTS = {'sqlite': ['CREATE TABLE "rate_counter" ("id" INTEGER PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
            'NOT NULL DEFAULT \'\', "window_start" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
            '"hits" INTEGER NOT NULL DEFAULT 0, CONSTRAINT rate_counter_window UNIQUE ("key", '
            '"window_start"))',
            'CREATE INDEX rate_counter_window_start ON "rate_counter" ("window_start")',
            'DROP TABLE "login_attempt"',
            'DROP TABLE "vote_attempt"'],
 'postgres': ['CREATE TABLE "rate_counter" ("id" SERIAL PRIMARY KEY NOT NULL, "key" VARCHAR(200) '
              'NOT NULL DEFAULT \'\', "window_start" TIMESTAMPTZ NOT NULL DEFAULT '
              'current_timestamp, "hits" INTEGER NOT NULL DEFAULT 0, CONSTRAINT '
              'rate_counter_window UNIQUE ("key", "window_start"))',
              'CREATE INDEX rate_counter_window_start ON "rate_counter" USING btree '
              '("window_start")',
              'DROP TABLE "login_attempt"',
              'DROP TABLE "vote_attempt"']}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='tracker', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
