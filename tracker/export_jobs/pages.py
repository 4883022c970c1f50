"""The page of an export job: its progress, refreshed by the page itself until done, then the download."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from tracker.export_jobs import services
from tracker.export_jobs.guards import job_reader
from tracker.export_jobs.kinds import FINISHED
from tracker.web.guards import project_member

REFRESH_SECONDS = 2


class ExportJobPages(Controller):
    include_in_schema = False

    @get("/exports/{job_id:int}", guards=[job_reader, project_member])
    async def job_page(self, job_id: int) -> Template:
        job = await services.get_job(job_id)
        kind = services.export_kind(job.kind)
        return Template("export_jobs/job.html", context={
            "job": job, "kind": kind, "back": kind.subject_path.format(id=job.subject_id, project_id=job.project_id),
            "refresh": None if job.status in FINISHED else REFRESH_SECONDS,
        })
