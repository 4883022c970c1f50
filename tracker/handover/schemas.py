"""Request and response shapes of handover (msgspec Structs; money in integer fen, areas in m²)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec

from inspections.kinds import Severity
from tracker.handover.kinds import (
    AcceptanceItem,
    ItemResult,
    Milestone,
    MissedSlot,
    OrderMethod,
    WarrantyPart,
)
from tracker.types import Area, Bounded, Digits, Fen, Id

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Line = Annotated[str, msgspec.Meta(max_length=255)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Seed = Annotated[str, msgspec.Meta(min_length=4, max_length=200)]
Count = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
Factor = Annotated[Decimal, msgspec.Meta(description="A multiplier, at least 1, at most 3 decimal places."),
                   Digits(5, 3, minimum=Decimal(1))]
Reading = Annotated[Decimal, msgspec.Meta(description="A meter reading, at least 0, at most 2 decimal places."),
                    Digits(12, 2, minimum=Decimal(0))]
Score = Annotated[int, msgspec.Meta(ge=1, le=5)]


class TermsIn(Bounded, forbid_unknown_fields=True):
    quota_m2_per_person: Area
    base_price_fen: Fen
    tier1_m2: Area
    tier2_m2: Area
    tier2_factor: Factor
    shortfall_price_fen: Fen
    order_method: OrderMethod
    missed_slot: MissedSlot
    idle_days: Count = 180


class TermsOut(msgspec.Struct):
    project_id: int
    quota_m2_per_person: Decimal
    base_price_fen: int
    tier1_m2: Decimal
    tier2_m2: Decimal
    tier2_factor: Decimal
    shortfall_price_fen: int
    order_method: str
    missed_slot: str
    lottery_seed: str | None
    idle_days: int


class BatchIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    planned_on: dt.date
    building_ids: Annotated[list[Id], msgspec.Meta(max_length=500)] = []
    appointments_from: dt.date | None = None
    appointments_to: dt.date | None = None


class BuildingIn(msgspec.Struct, forbid_unknown_fields=True):
    building_id: Id
    contractor_org_id: Id | None = None


class MilestoneIn(msgspec.Struct, forbid_unknown_fields=True):
    milestone: Milestone
    planned_on: dt.date | None = None
    forecast_on: dt.date | None = None
    actual_on: dt.date | None = None


class MilestoneOut(msgspec.Struct):
    milestone: str
    planned_on: dt.date | None
    forecast_on: dt.date | None
    actual_on: dt.date | None


class BuildingScheduleOut(msgspec.Struct):
    building_id: int
    name: str
    contractor_org_id: int | None
    delivery_on: dt.date | None  # actual, else forecast, else planned handover
    units: int
    units_accepted: int
    units_handed_over: int
    milestones: list[MilestoneOut]


class BatchOut(msgspec.Struct):
    id: int
    project_id: int
    name: str
    planned_on: dt.date
    forecast_on: dt.date | None
    status: str
    slipping_days: int  # forecast past planned, 0 when on time
    missing: list[str]  # prerequisites missing within 30 days of the planned date
    appointments_from: dt.date | None
    appointments_to: dt.date | None
    units: int
    units_handed_over: int
    buildings: list[BuildingScheduleOut]


class UnitIn(Bounded, forbid_unknown_fields=True):
    building_id: Id
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    layout: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    floor: Annotated[int, msgspec.Meta(ge=-5, le=200)]
    contract_area: Area
    orientation: Annotated[str, msgspec.Meta(max_length=20)] = ""
    stairwell: Annotated[str, msgspec.Meta(max_length=20)] = ""


class UnitOut(msgspec.Struct):
    id: int
    project_id: int
    building_id: int
    building: str
    number: str
    layout: str
    floor: int
    orientation: str
    contract_area: Decimal
    surveyed_area: Decimal | None
    status: str
    idle_reason: str


class CheckIn(msgspec.Struct, forbid_unknown_fields=True):
    """One acceptance item's result; a failure opens an issue (category, severity and deadline for it)."""

    item: AcceptanceItem
    result: ItemResult
    note: Note = ""
    category: Annotated[str, msgspec.Meta(max_length=60)] = ""
    severity: Severity = Severity.general
    deadline: dt.date | None = None
    part: Line = ""


class CheckOut(msgspec.Struct):
    item: int
    result: str  # recorded result
    effective: str  # passed once the failure's issue is verified
    note: str
    issue_id: int | None
    issue_status: str | None


class AcceptanceOut(msgspec.Struct):
    unit_id: int
    passed: bool
    passed_on: dt.date | None
    checks: list[CheckOut]


class EntitlementIn(msgspec.Struct, forbid_unknown_fields=True):
    household_id: Id
    persons: Annotated[int, msgspec.Meta(ge=1, le=50)]
    signed_at: dt.datetime
    compensation_fen: Fen = 0
    units_allowed: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1


class EntitleSignedIn(msgspec.Struct, forbid_unknown_fields=True):
    """Entitle every household that signed in an expropriation consultation."""

    consultation_id: Id
    persons: Annotated[int, msgspec.Meta(ge=1, le=50)] = 1  # until the recognised persons are entered


class EntitlementOut(msgspec.Struct):
    id: int
    project_id: int
    household_id: int
    certificate_no: str
    holder_names: str
    persons: int
    quota_area: Decimal
    compensation_fen: int
    units_allowed: int
    units_selected: int
    signed_at: dt.datetime
    lottery_no: int | None
    selection_order: int | None
    slot_id: int | None


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    seed: Seed | None = None  # required for a lottery


class SlotsIn(msgspec.Struct, forbid_unknown_fields=True):
    first_starts_at: dt.datetime
    minutes: Annotated[int, msgspec.Meta(ge=5, le=24 * 60)]
    per_slot: Count


class SlotOut(msgspec.Struct):
    id: int
    label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    entitlement_ids: list[int]


class SelectIn(msgspec.Struct, forbid_unknown_fields=True):
    entitlement_id: Id
    unit_id: Id


class StepOut(msgspec.Struct):
    label: str
    area: Decimal
    price_fen: int
    amount_fen: int


class SelectionOut(msgspec.Struct):
    id: int
    entitlement_id: int
    unit_id: int
    unit: str
    quota_area: Decimal
    area: Decimal
    steps: list[StepOut]
    price_difference_fen: int
    true_up_fen: int | None
    selected_at: dt.datetime


class SelectedUnitOut(msgspec.Struct):
    """A unit chosen at the desk, as the desk lists the latest ones, each with its handover desk."""

    id: int  # the selection
    building: str
    number: str
    selected_at: dt.datetime


class AppointmentSlotIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: dt.datetime
    capacity: Count


class AppointmentSlotOut(msgspec.Struct):
    id: int
    batch_id: int
    day: dt.date
    starts_at: dt.datetime
    capacity: int
    booked: int


class IdleReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Note


class AppointmentIn(msgspec.Struct, forbid_unknown_fields=True):
    appointment_slot_id: Id


class AppointmentOut(msgspec.Struct):
    selection_id: int
    appointment_slot_id: int
    starts_at: dt.datetime


class DefectNoted(msgspec.Struct, forbid_unknown_fields=True):
    part: WarrantyPart
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class HandoverIn(Bounded, forbid_unknown_fields=True):
    keys: Annotated[int, msgspec.Meta(ge=1, le=50)]
    acknowledged: bool
    surveyed_area: Area | None = None
    water_reading: Reading | None = None
    electricity_reading: Reading | None = None
    gas_reading: Reading | None = None
    defects: Annotated[list[DefectNoted], msgspec.Meta(max_length=50)] = []
    note: Note = ""


class HandoverOut(msgspec.Struct):
    id: int
    selection_id: int
    unit_id: int
    handed_at: dt.datetime
    keys: int
    acknowledged: bool
    true_up_fen: int | None
    claims: list[int]


class RatingIn(msgspec.Struct, forbid_unknown_fields=True):
    service_score: Score
    quality_score: Score
    comment: Note = ""


class ClaimIn(msgspec.Struct, forbid_unknown_fields=True):
    part: WarrantyPart
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ClaimOut(msgspec.Struct):
    id: int
    unit_id: int
    part: str
    description: str
    reported_on: dt.date
    in_warranty: bool
    reason: str
    contractor_org_id: int | None
    report_id: int | None
    at_handover: bool


class IdleUnitOut(msgspec.Struct):
    unit_id: int
    building: str
    number: str
    batch: str | None
    completed_on: dt.date
    idle_days: int
    area: Decimal
    reason: str



# ---------------------------------------------------------------- read models of the pages


class OfferOut(msgspec.Struct):
    """An available unit a household's quota allows, with its price difference before choosing."""

    unit: UnitOut
    over_area: Decimal  # + over the quota, − under it
    price_difference_fen: int
    steps: list[StepOut]


class RecordOut(msgspec.Struct):
    """A handover record (交房确认书) as its page shows it."""

    id: int
    selection_id: int
    handed_at: dt.datetime
    keys: int
    water_reading: Decimal | None
    electricity_reading: Decimal | None
    gas_reading: Decimal | None
    acknowledged: bool
    note: str
    true_up_fen: int | None
    surveyed_area: Decimal | None
    rated: bool


class SlotChoiceOut(msgspec.Struct):
    id: int
    starts_at: dt.datetime
    room: int


class HomeOut(msgspec.Struct):
    """What a resident sees of their resettlement: entitlement, unit, batch, appointment, record, claims."""

    entitlement: EntitlementOut | None
    selection: SelectionOut | None
    unit: UnitOut | None
    batch: BatchOut | None
    appointment: AppointmentOut | None
    slots: list[SlotChoiceOut]
    record: RecordOut | None
    claims: list[ClaimOut]


class BatchRatingOut(msgspec.Struct):
    batch_id: int
    ratings: int
    service_avg: Decimal | None
    quality_avg: Decimal | None
