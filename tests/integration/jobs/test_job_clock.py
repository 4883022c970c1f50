"""Scheduled jobs keep TIME_ZONE's hours and dates on a host whose zone is another (New York here)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path


from inspections import jobs as inspection_jobs
from inspections.tables import InboxMessage, Issue
from tests.integration.inspections.helpers import file_issue, issue_notice
from tracker import clock
from tracker.consultations import jobs as consultation_jobs
from tracker.jobs import run_job
from tracker.jobs.tables import JobRun

ROOT = Path(__file__).resolve().parents[3]
UTC = dt.timezone.utc

# In a fresh interpreter started with TZ=America/New_York, the next fire time of each trigger that
# JobScheduler builds, from 2026-03-01 12:10 UTC (20:10 in Shanghai, 07:10 in New York).
FIRE_TIMES = """
import datetime as dt, json, time
time.tzset()
from apscheduler.triggers.cron import CronTrigger
from tracker.jobs.scheduler import JobScheduler
from tracker.plugin import scheduled_jobs
start = dt.datetime(2026, 3, 1, 12, 10, tzinfo=dt.timezone.utc)
scheduler = JobScheduler(scheduled_jobs())
fires = {job.name: scheduler.trigger(job).get_next_fire_time(None, start).astimezone(dt.timezone.utc).isoformat()
         for job in scheduler.jobs}
fires["zone-less 07:00"] = CronTrigger(hour=7, minute=0).get_next_fire_time(None, start).astimezone(
    dt.timezone.utc).isoformat()
fires["scheduler zone"] = str(scheduler.scheduler.timezone)
print(json.dumps(fires))
"""


def fire_times(time_zone: str) -> dict[str, str]:
    env = {**os.environ, "TZ": "America/New_York", "TIME_ZONE": time_zone}
    done = subprocess.run([sys.executable, "-c", FIRE_TIMES], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_job_fires_at_its_local_hour_in_the_configured_zone_not_the_hosts():
    fires = fire_times("Asia/Shanghai")
    # The host zone is in force in that process: a trigger without a zone means 07:00 in New York.
    assert fires["zone-less 07:00"] == "2026-03-02T12:00:00+00:00"
    assert fires.pop("scheduler zone") == "Asia/Shanghai"
    assert fires == {
        "zone-less 07:00": "2026-03-02T12:00:00+00:00",
        "accounts.purge_expired": "2026-03-01T19:30:00+00:00",  # 03:30 on 2 March in Shanghai
        "inspections.escalation": "2026-03-01T23:00:00+00:00",  # 07:00 on 2 March in Shanghai
        "consultations.close_due": "2026-03-01T12:10:00+00:00",  # every minute, this one included
        "consultations.daily_snapshot": "2026-03-01T15:55:00+00:00",  # 23:55 on 1 March in Shanghai
        "funding.monitors": "2026-03-01T22:30:00+00:00",  # 06:30 on 2 March in Shanghai
        "payments.monitor": "2026-03-01T22:50:00+00:00",  # 06:50 on 2 March in Shanghai
        "handover.schedule_check": "2026-03-01T23:30:00+00:00",  # 07:30, after the 07:00 digest
        "handover.idle_units": "2026-03-01T23:35:00+00:00",
    }


def test_the_zone_is_the_configured_one_not_a_fixed_offset():
    fires = fire_times("Europe/Berlin")
    assert fires["scheduler zone"] == "Europe/Berlin"
    assert fires["inspections.escalation"] == "2026-03-02T06:00:00+00:00"  # 07:00 CET



async def test_escalation_after_local_midnight_runs_for_the_local_day(world, client_for, new_york_host):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    await issue_notice(inspector, world, [issue["id"]])
    await Issue.update({Issue.deadline: dt.date(2026, 3, 2)}).where(Issue.id == issue["id"])
    job = inspection_jobs.jobs()[0]
    # 00:30 on 3 March in Shanghai, 11:30 on 2 March in New York: the deadline of 2 March has passed.
    with clock.frozen(dt.datetime(2026, 3, 2, 16, 30, tzinfo=UTC)):
        summary = await run_job(job)
        assert summary["marked_overdue"] == 1
        assert await run_job(job) is None
    [run] = await JobRun.select(JobRun.run_key, JobRun.status).where(JobRun.job == job.name)
    assert run == {"run_key": "2026-03-03", "status": "done"}
    [digest] = await InboxMessage.select(InboxMessage.day).where(InboxMessage.kind == "digest")
    assert digest["day"] == dt.date(2026, 3, 3)
    assert (await contractor.get(f"/api/v1/inspections/issues/{issue['id']}")).json()["overdue"] is True


async def test_evening_snapshot_is_keyed_by_the_local_date(clean, new_york_host):
    job = next(j for j in consultation_jobs.jobs() if j.name == "consultations.daily_snapshot")
    with clock.frozen(dt.datetime(2026, 3, 1, 15, 55, tzinfo=UTC)):  # 23:55 on 1 March in Shanghai
        assert (await run_job(job))["day"] == "2026-03-01"
    with clock.frozen(dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)):  # 00:30 on 2 March there
        assert (await run_job(job))["day"] == "2026-03-02"
    keys = sorted(r["run_key"] for r in await JobRun.select(JobRun.run_key).where(JobRun.job == job.name))
    assert keys == ["2026-03-01", "2026-03-02"]
