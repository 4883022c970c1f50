"""The scheduled jobs of quality supervision."""

from __future__ import annotations

from inspections.services.escalation import run_escalation
from tracker.jobs import Job


def jobs() -> list[Job]:
    # 07:00 in TIME_ZONE: the day's reminders are there when the site's working day starts.
    return [Job(name="inspections.escalation", func=run_escalation, cron={"hour": 7, "minute": 0})]
