"""Scheduled work of consultations: close at closing time and record the decision; daily snapshots."""

from __future__ import annotations

import datetime as dt

from tracker.consultations import services
from tracker.jobs import Job


def minute_key(now: dt.datetime) -> str:
    return now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M")


def jobs() -> list[Job]:
    return [
        # Every minute: a consultation closes within a minute of its closing time. Closing is a status
        # transition, so a second runner or a rerun changes nothing.
        Job(name="consultations.close_due", func=services.close_due, cron={"minute": "*"}, run_key=minute_key),
        # Late evening in TIME_ZONE, so the day's snapshot holds the day's ballots; keyed by that date.
        Job(name="consultations.daily_snapshot", func=services.snapshot_open, cron={"hour": 23, "minute": 55}),
    ]
