"""Housekeeping of accounts: expired sessions and old attempt counters."""

from __future__ import annotations

import datetime as dt

from tracker.accounts import ratelimit
from tracker.accounts.tables import WebSession
from tracker.jobs import Job
from tracker.settings import get_settings


async def purge_expired(now: dt.datetime) -> dict[str, int]:
    sessions = await WebSession.delete().where(WebSession.expires_at < now).returning(WebSession.id)
    # A counter older than its longest window can no longer refuse anything.
    settings = get_settings()
    longest = max(86400, settings.login_window_seconds, settings.vote_code_window_seconds)
    counters = await ratelimit.purge(now - dt.timedelta(seconds=longest))
    return {"sessions": len(sessions), "rate_counters": counters}


def jobs() -> list[Job]:
    return [Job(name="accounts.purge_expired", func=purge_expired, cron={"hour": 3, "minute": 30})]
