"""Response shape of export jobs (msgspec)."""

from __future__ import annotations

import datetime as dt

import msgspec

from tracker.export_jobs.kinds import JobStatus


class ExportJobOut(msgspec.Struct):
    """A background export: its progress (`done` of `total`), and once done the file's address."""

    id: int
    kind: str
    project_id: int
    subject_id: int
    status: JobStatus
    done: int
    total: int
    error: str
    filename: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    url: str = ""  # this job's status (API)
    page_url: str = ""  # its page, with progress and the download
    file_url: str | None = None  # the finished file (when status is done)
