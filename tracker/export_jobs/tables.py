"""The export jobs table: one row per requested background document, its progress and its file."""

from __future__ import annotations

from piccolo.columns import Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check
from piccolo.table import Table

from tracker.accounts.tables import User
from tracker.export_jobs.kinds import JobStatus
from tracker.register.tables import Project
from tracker.schema import one_of


class ExportJob(Table):
    """A long document made in the background (e.g. the voting letters of a whole roll).

    The finished file is kept in the row, as issued documents keep their PDFs: the app's processes
    share only the database, so whichever process answers the download has it. `runner` names the
    process making it and `heartbeat_at` moves while it works, so a job whose process died is found
    and marked failed instead of staying 'running' forever.
    """

    id = Serial(primary_key=True)
    kind = Varchar(length=60, null=False)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    subject_id = Integer(null=False)  # the record the document is of (e.g. the consultation)
    requested_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    status = Varchar(length=20, null=False, default=JobStatus.queued.value)
    done = Integer(null=False, default=0)
    total = Integer(null=False, default=0)
    error = Text(default="")
    filename = Varchar(length=200, null=False)
    media_type = Varchar(length=100, null=False, default="application/pdf")
    content = Bytea(null=True, default=None)
    runner = Varchar(length=64, default="")
    heartbeat_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)

    export_job_status_known = Check(one_of("status", JobStatus))
    export_job_progress_bounded = Check('"done" >= 0 AND "done" <= "total"')
    export_job_done_has_file = Check("\"status\" <> 'done' OR \"content\" IS NOT NULL")
