"""Scheduled jobs of the funding domain.

`funding.monitors` runs the monitors once a day (06:30 in TIME_ZONE), before the 07:00 digest job,
which then carries the open funding alerts to finance staff and project managers
(`tracker.plugin.digest_sources()`). Like every job it runs on the one process holding the scheduler
lease, once per day (`job_run`), and is idempotent: a second run on the same data changes nothing.
"""

from __future__ import annotations

import datetime as dt

from funding.services import monitors
from tracker import clock
from tracker.jobs import Job


async def run_monitors(now: dt.datetime) -> dict:
    return await monitors.run_monitors(clock.day_of(now))


def jobs() -> list[Job]:
    return [Job(name="funding.monitors", func=run_monitors, cron={"hour": 6, "minute": 30})]
