"""Tables of the scheduler lease and of job runs."""

from __future__ import annotations

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tracker.schema import one_of


class SchedulerLease(Table):
    """Which app process runs the jobs, until when; renewed by that process, taken over when stale."""

    id = Serial(primary_key=True)
    name = Varchar(length=40, unique=True, null=False)
    holder = Varchar(length=120, null=False)
    expires_at = Timestamptz(null=False)


class JobRun(Table):
    """One run of a job for one key (e.g. a date): unique, so a job does its work once per key."""

    id = Serial(primary_key=True)
    job = Varchar(length=80, null=False)
    run_key = Varchar(length=80, null=False)
    status = Varchar(length=20, null=False, default="running")
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    summary = Text(default="")

    job_run_key_unique = Unique([job, run_key])
    status_known = Check(one_of("status", ["running", "done", "failed"]))
