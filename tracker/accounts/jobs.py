"""Housekeeping of accounts: expired sessions and old failed-login records."""

from __future__ import annotations

import datetime as dt

from tracker.accounts.tables import LoginAttempt, WebSession
from tracker.jobs import Job


async def purge_expired(now: dt.datetime) -> dict[str, int]:
    sessions = await WebSession.delete().where(WebSession.expires_at < now).returning(WebSession.id)
    attempts = await LoginAttempt.delete().where(LoginAttempt.at < now - dt.timedelta(days=1)).returning(LoginAttempt.id)
    return {"sessions": len(sessions), "login_attempts": len(attempts)}


def jobs() -> list[Job]:
    return [Job(name="accounts.purge_expired", func=purge_expired, cron={"hour": 3, "minute": 30})]
