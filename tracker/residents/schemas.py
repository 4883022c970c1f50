"""What the resident's home shows, as msgspec Structs filled from aliased selects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from inspections.schemas import ReportOut
from tracker.consultations.kinds import Status


class HouseholdFacts(msgspec.Struct):
    id: int
    project_id: int
    project_name: str
    certificate_no: str
    holder_names: str
    area: Decimal
    dwellings: list[str] = []


class VoteOut(msgspec.Struct):
    """One consultation on whose roll the household's title stands, and what became of its ballot."""

    consultation_id: int
    title: str
    status: Status
    opens_at: dt.datetime
    closes_at: dt.datetime
    receipt_no: str | None = None  # the counted ballot sheet's receipt, when the title has voted
    counted_at: dt.datetime | None = None
    can_vote: bool = False  # open and inside its window
    results_visible: bool = False


class HomeOut(msgspec.Struct):
    household: HouseholdFacts | None
    votes: list[VoteOut] = []
    reports: list[ReportOut] = []
