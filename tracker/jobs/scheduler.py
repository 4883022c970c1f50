"""APScheduler in the app lifespan: every process schedules, only the lease holder runs."""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from tracker import clock
from tracker.jobs.runner import Job, acquire_lease, holder_id, release_lease, run_job

log = logging.getLogger("tracker.jobs")

LEASE_TTL = dt.timedelta(seconds=60)
HEARTBEAT_SECONDS = 20


class JobScheduler:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.holder = holder_id()
        self.leader = False
        self.zone = clock.zone()
        self.scheduler = AsyncIOScheduler(timezone=self.zone)

    def trigger(self, job: Job) -> CronTrigger:
        """The job's cron in the configured zone. A CronTrigger built without one takes the host's zone,
        not the scheduler's, so the zone is always given here."""
        return CronTrigger(timezone=self.zone, **job.cron)

    async def heartbeat(self) -> None:
        try:
            self.leader = await acquire_lease(self.holder, LEASE_TTL)
        except Exception:  # a database hiccup must not kill the scheduler; try again next beat
            log.exception("scheduler lease heartbeat failed")
            self.leader = False

    async def _run(self, job: Job) -> None:
        if not self.leader:
            return
        try:
            await run_job(job)
        except Exception:  # already logged and recorded as failed by run_job
            pass

    async def start(self) -> None:
        await self.heartbeat()
        self.scheduler.add_job(self.heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="lease")
        for job in self.jobs:
            self.scheduler.add_job(
                self._run, self.trigger(job), args=[job], id=job.name, coalesce=True, misfire_grace_time=3600
            )
        self.scheduler.start()

    async def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
        if self.leader:
            await release_lease(self.holder)
