"""Running jobs at most once per key, and the lease that picks the one process that schedules them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tracker import clock
from tracker.audit.services import canonical_json
from tracker.jobs.tables import JobRun, SchedulerLease

log = logging.getLogger("tracker.jobs")


def daily_key(now: dt.datetime) -> str:
    """The local date (TIME_ZONE) of the run: a day's job runs once per day as the site counts days."""
    return clock.day_of(now).isoformat()


@dataclass(frozen=True)
class Job:
    """A job: `func(now)` does the work and returns a summary; `run_key(now)` names the period it covers."""

    name: str
    func: Callable[[dt.datetime], Awaitable[dict[str, Any]]]
    cron: dict[str, Any] = field(default_factory=lambda: {"hour": 6, "minute": 0})
    run_key: Callable[[dt.datetime], str] = daily_key


async def _claim(job: Job, key: str) -> bool:
    """Claim the run for this key; a failed earlier run may be claimed again, a done or running one not."""
    inserted = await JobRun.raw(
        "INSERT INTO job_run (job, run_key, status, started_at, summary) VALUES ({}, {}, 'running', {}, '') "
        "ON CONFLICT DO NOTHING RETURNING id",
        job.name,
        key,
        clock.now(),
    )
    if inserted:
        return True
    retried = await JobRun.update({JobRun.status: "running", JobRun.started_at: clock.now()}).where(
        JobRun.job == job.name, JobRun.run_key == key, JobRun.status == "failed"
    ).returning(JobRun.id)
    return bool(retried)


async def run_job(job: Job, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Run `job` for the period containing `now`; None when that period's run already happened."""
    now = now or clock.now()
    key = job.run_key(now)
    if not await _claim(job, key):
        return None
    try:
        summary = await job.func(now)
    except Exception as exc:
        log.exception("job %s (%s) failed", job.name, key)
        await JobRun.update(
            {JobRun.status: "failed", JobRun.finished_at: clock.now(),
             JobRun.summary: json.dumps({"error": repr(exc)})}
        ).where(JobRun.job == job.name, JobRun.run_key == key)
        raise
    await JobRun.update(
        {JobRun.status: "done", JobRun.finished_at: clock.now(), JobRun.summary: canonical_json(summary)}
    ).where(JobRun.job == job.name, JobRun.run_key == key)
    return summary


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def acquire_lease(holder: str, ttl: dt.timedelta, name: str = "scheduler") -> bool:
    """Take or renew the lease; true while this holder owns it. Portable SQL, no advisory locks."""
    now = clock.now()
    await SchedulerLease.raw(
        "INSERT INTO scheduler_lease (name, holder, expires_at) VALUES ({}, {}, {}) ON CONFLICT DO NOTHING",
        name,
        holder,
        now + ttl,
    )
    taken = await SchedulerLease.update({SchedulerLease.holder: holder, SchedulerLease.expires_at: now + ttl}).where(
        SchedulerLease.name == name,
        (SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now),
    ).returning(SchedulerLease.id)
    return bool(taken)


async def release_lease(holder: str, name: str = "scheduler") -> None:
    await SchedulerLease.delete().where(SchedulerLease.name == name, SchedulerLease.holder == holder)
