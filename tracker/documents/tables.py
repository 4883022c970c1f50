"""Tables of issued documents and of their per-series number counters."""

from __future__ import annotations

from piccolo.columns import Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tracker.documents.kinds import DocumentStatus
from tracker.register.tables import Project
from tracker.schema import one_of


class DocumentCounter(Table):
    """The last number used in one series of one project and year; locked while a number is taken."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, on_delete=OnDelete.restrict)
    series = Varchar(length=40, null=False)
    year = Integer(null=False)
    last = Integer(null=False, default=0)

    document_counter_series_unique = Unique([project, series, year])
    last_not_negative = Check("last >= 0")


class IssuedDocument(Table):
    """A numbered document as issued: its context frozen as JSON with a hash, its PDF kept once made.

    Rows are never edited after issue except to void them (status, reason, successor) and to store
    the PDF the first time it is rendered.
    """

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=60, null=False)
    series = Varchar(length=40, null=False)
    number_text = Varchar(length=80, null=False)
    title = Varchar(length=255, null=False)
    template = Varchar(length=200, null=False)
    snapshot = Text(null=False)
    snapshot_sha256 = Varchar(length=64, null=False)
    verify_token = Varchar(length=64, null=False, unique=True)
    status = Varchar(length=20, null=False, default=DocumentStatus.current.value)
    void_reason = Text(default="")
    voided_at = Timestamptz(null=True, default=None)
    superseded_by = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    issued_by = Integer(null=True)
    pdf = Bytea(null=True, default=None)
    pdf_sha256 = Varchar(length=64, null=True, default=None)

    issued_document_number_unique = Unique([project, series, number_text])
    status_known = Check(one_of("status", DocumentStatus))
    voided_has_reason = Check("status <> 'voided' OR length(trim(void_reason)) > 0")
