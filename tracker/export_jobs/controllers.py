"""JSON API of export jobs: a job's progress and its finished file (jobs are started by the export's
own route, e.g. `POST /api/v1/consultations/{id}/voting-letters`)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Response

from tracker.export_jobs import services
from tracker.export_jobs.guards import job_reader
from tracker.export_jobs.schemas import ExportJobOut
from tracker.web.guards import project_member


class ExportJobApiController(Controller):
    path = "/api/v1/export-jobs/{job_id:int}"
    tags = ["export jobs"]

    @get("", guards=[job_reader, project_member])
    async def status(self, job_id: int) -> ExportJobOut:
        """Status (queued, running, done, failed), `done` of `total` parts' units, the error of a failed
        job, and `file_url` once done. A job whose server stopped reads as failed."""
        return await services.get_job(job_id)

    @get("/file", guards=[job_reader, project_member])
    async def file(self, job_id: int) -> Response:
        """The finished document; 409 (`export_not_done`) while it is made or when it failed."""
        name, media_type, content = await services.job_file(job_id)
        return Response(content, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
