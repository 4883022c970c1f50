"""Scheduled jobs: APScheduler in the app lifespan, one runner chosen by a lease row, runs recorded."""

from tracker.jobs.runner import Job, run_job

__all__ = ["Job", "run_job"]
