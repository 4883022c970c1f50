"""Request and response Structs of the monthly report and the monitors (the lead folds them into
funding/schemas.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import msgspec

# Integer fen, at least 0 and below 10^14 (a trillion yuan), like the BigInt columns' use here.
Fen = Annotated[int, msgspec.Meta(ge=0, le=10**14 - 1, description="Fen (0.01 yuan), an integer.")]
Text2000 = Annotated[str, msgspec.Meta(max_length=2000)]


class ReportDraftIn(msgspec.Struct, forbid_unknown_fields=True):
    """What finance fills in; every figure comes from the records. A field left out (null) keeps what
    the report holds: gap arranged starts as the prefilled figure (committed and not yet arrived)."""

    gap_arranged_fen: Fen | None = None
    gap_arrangement: Text2000 | None = None
    remarks: Text2000 | None = None


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A correction of a submitted report: a new version, with its reason."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    gap_arranged_fen: Fen | None = None
    gap_arrangement: Text2000 | None = None
    remarks: Text2000 | None = None


class IndicatorOut(msgspec.Struct):
    code: str
    label: str
    depth: int
    amount_fen: int


class ReportOut(msgspec.Struct):
    project_id: int
    month: dt.date
    version: int
    status: str
    status_text: str
    indicators: list[IndicatorOut]
    total_investment_fen: int
    arrived_to_date_fen: int
    gap_fen: int
    gap_arranged_fen: int
    gap_arrangement: str
    remarks: str
    deviation: str | None
    deviation_text: str
    arrival_rate: Decimal | None
    year_progress_rate: Decimal | None
    deadline: dt.date
    overdue: bool
    late: bool
    submitted_at: dt.datetime | None
    submitted_by: int | None
    correction_reason: str
    versions: int  # how many versions exist (0 while pending)


class RollupRow(msgspec.Struct):
    group: str
    projects: int
    submitted: int
    indicators: dict[str, int]
    total_investment_fen: int
    arrived_to_date_fen: int
    gap_arranged_fen: int
    gap_fen: int
    arrival_rate: Decimal | None
    serious_deviation: int  # submitted reports whose deviation is 严重偏离


class RollupOut(msgspec.Struct):
    month: dt.date
    by: str
    rows: list[RollupRow]
    total: RollupRow


class AlertOut(msgspec.Struct):
    id: int
    project_id: int
    kind: str
    kind_text: str
    subject: str
    level: str
    level_text: str
    detail: dict[str, Any]
    first_seen: dt.datetime
    last_seen: dt.datetime
    resolved_at: dt.datetime | None
