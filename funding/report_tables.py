"""Tables of the monthly funding report and the monitors' alerts.

A report is one row per project, month and version: the draft (待提交) is the newest version, a
submitted one (已提交) never changes again, and a correction is a new version carrying its reason.
The indicator columns hold the tree's sums, and the tree itself is CHECKed, so a row can never say
104 ≠ 105 + 115 + 120. An alert is open while `open_subject` repeats its subject; resolving it clears
that column, so the unique (kind, open_subject) allows one open alert per kind and subject and any
number of resolved ones (NULLs are distinct on both engines).
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from funding.indicators import Deviation, ReportStatus
from funding.monitors import AlertKind, Level
from tracker.accounts.tables import User
from tracker.register.tables import Project
from tracker.schema import one_of

RATE = (7, 4)  # 0.2500 = 25 %


class FundingReport(Table):
    """资金月报: a project's monthly funding report, one row per version."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    month = Date(null=False)  # the month's first day
    version = Integer(default=1)
    status = Varchar(length=20, default=ReportStatus.draft.value)
    i104_fen = BigInt(default=0)
    i105_fen = BigInt(default=0)
    i106_fen = BigInt(default=0)
    i107_fen = BigInt(default=0)
    i108_fen = BigInt(default=0)
    i109_fen = BigInt(default=0)
    i110_fen = BigInt(default=0)
    i111_fen = BigInt(default=0)
    i112_fen = BigInt(default=0)
    i113_fen = BigInt(default=0)
    i114_fen = BigInt(default=0)
    i115_fen = BigInt(default=0)
    i116_fen = BigInt(default=0)
    i117_fen = BigInt(default=0)
    i118_fen = BigInt(default=0)
    i120_fen = BigInt(default=0)
    credit_fen = BigInt(default=0)  # policy credit, shown apart from 104
    total_investment_fen = BigInt(default=0)
    arrived_to_date_fen = BigInt(default=0)
    gap_fen = BigInt(default=0)
    gap_arranged_fen = BigInt(default=0)
    gap_arrangement = Text(default="")
    remarks = Text(default="")
    deviation = Varchar(length=20, null=True, default=None)
    arrival_rate = Numeric(digits=RATE, null=True, default=None)
    year_progress_rate = Numeric(digits=RATE, null=True, default=None)
    deadline = Date(null=False)
    prefilled_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    correction_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())

    funding_report_version_unique = Unique([project, month, version])
    status_known = Check(one_of("status", ReportStatus))
    deviation_known = Check(f'"deviation" IS NULL OR {one_of("deviation", Deviation)}')
    version_positive = Check(version >= 1)
    figures_not_negative = Check(
        "i107_fen >= 0 AND i108_fen >= 0 AND i109_fen >= 0 AND i110_fen >= 0 AND i111_fen >= 0 AND i112_fen >= 0 "
        "AND i113_fen >= 0 AND i114_fen >= 0 AND i116_fen >= 0 AND i117_fen >= 0 AND i118_fen >= 0 "
        "AND i120_fen >= 0 AND credit_fen >= 0 AND total_investment_fen >= 0 AND arrived_to_date_fen >= 0 "
        "AND gap_fen >= 0 AND gap_arranged_fen >= 0"
    )
    indicator_tree = Check(
        "i106_fen = i107_fen + i108_fen + i109_fen + i110_fen "
        "AND i105_fen = i106_fen + i111_fen + i112_fen + i113_fen + i114_fen "
        "AND i115_fen = i116_fen + i117_fen + i118_fen "
        "AND i104_fen = i105_fen + i115_fen + i120_fen"
    )
    submitted_has_time = Check("status <> 'submitted' OR (submitted_at IS NOT NULL)")
    correction_has_reason = Check("version = 1 OR correction_reason <> ''")


class FundingAlert(Table):
    """An alert a monitor raised: open while the monitor still finds it, resolved when it no longer does."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=30, null=False)
    subject = Varchar(length=80, null=False)
    open_subject = Varchar(length=80, null=True, default=None)  # = subject while open, NULL once resolved
    level = Varchar(length=20, null=False)
    detail = JSON(default={})
    first_seen = Timestamptz(default=TimestamptzNow())
    last_seen = Timestamptz(default=TimestamptzNow())
    resolved_at = Timestamptz(null=True, default=None)

    funding_alert_one_open = Unique([kind, open_subject])
    kind_known = Check(one_of("kind", AlertKind))
    level_known = Check(one_of("level", Level))
    open_or_resolved = Check(
        "(resolved_at IS NULL AND open_subject = subject) OR (resolved_at IS NOT NULL AND open_subject IS NULL)"
    )
