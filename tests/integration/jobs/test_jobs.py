"""Jobs run once per key whatever the number of callers; the lease has one holder at a time."""

import asyncio
import datetime as dt

import pytest

from tracker.accounts.jobs import purge_expired
from tracker.accounts.tables import WebSession
from tracker.jobs import Job, run_job
from tracker.jobs.runner import acquire_lease
from tracker.jobs.tables import JobRun

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.timezone.utc)


async def test_a_job_runs_once_per_key_even_when_called_concurrently(clean):
    calls = []

    async def work(now):
        calls.append(now)
        await asyncio.sleep(0.01)
        return {"n": len(calls)}

    job = Job(name="test.once", func=work)
    results = await asyncio.gather(*(run_job(job, NOW) for _ in range(5)))
    assert len(calls) == 1
    assert sum(r is not None for r in results) == 1
    assert await run_job(job, NOW + dt.timedelta(days=1)) == {"n": 2}
    runs = await JobRun.select(JobRun.run_key, JobRun.status).where(JobRun.job == "test.once").order_by(JobRun.run_key)
    assert runs == [{"run_key": "2026-11-23", "status": "done"}, {"run_key": "2026-11-24", "status": "done"}]


async def test_a_failed_run_is_recorded_and_may_run_again(clean):
    attempts = []

    async def flaky(now):
        attempts.append(now)
        if len(attempts) == 1:
            raise ValueError("database away")
        return {}

    job = Job(name="test.flaky", func=flaky)
    with pytest.raises(ValueError):
        await run_job(job, NOW)
    assert (await JobRun.select(JobRun.status).where(JobRun.job == "test.flaky"))[0]["status"] == "failed"
    assert await run_job(job, NOW) == {}
    assert (await JobRun.select(JobRun.status).where(JobRun.job == "test.flaky"))[0]["status"] == "done"


async def test_lease_has_one_holder_until_it_expires(clean):
    ttl = dt.timedelta(seconds=60)
    assert await acquire_lease("a:1", ttl)
    assert not await acquire_lease("b:2", ttl)
    assert await acquire_lease("a:1", ttl)  # renewal
    assert await acquire_lease("b:2", dt.timedelta(seconds=60), name="other")
    assert await acquire_lease("c:3", -ttl, name="stale") and await acquire_lease("d:4", ttl, name="stale")


async def test_purge_removes_expired_sessions_only(clean):
    await WebSession.insert(
        WebSession(key="old", data=b"x", expires_at=NOW - dt.timedelta(hours=1)),
        WebSession(key="live", data=b"x", expires_at=NOW + dt.timedelta(hours=1)),
    )
    assert (await purge_expired(NOW))["sessions"] == 1
    assert [r["key"] for r in await WebSession.select(WebSession.key)] == ["live"]


def test_every_domain_job_is_scheduled_once_by_a_unique_name():
    from tracker.plugin import scheduled_jobs

    names = [job.name for job in scheduled_jobs()]
    assert len(names) == len(set(names))
    domains = {name.split(".")[0] for name in names}
    assert {"accounts", "inspections", "consultations"} <= domains, names
