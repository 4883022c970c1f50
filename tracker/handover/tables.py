"""Tables of handover: batches and building milestones, the unit inventory, per-unit acceptance,
entitlements, selection slots and selections, appointments, handover records, ratings, warranty claims.

A resettlement unit is the register's `Dwelling` in a building of the resettlement project (so issues,
which already name a dwelling, name the unit); `Unit` adds what handover needs. One unit goes to one
household (`selection_unit_unique`), appointments never exceed a slot's capacity (a running total under
a CHECK), and a unit's acceptance items are nine rows with a unique item number.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from inspections.tables import DefectReport, Issue
from tracker.accounts.tables import Organisation, User
from tracker.handover.kinds import BatchStatus, ItemResult, Milestone, MissedSlot, OrderMethod, UnitStatus, WarrantyPart
from tracker.register.tables import Building, Dwelling, Household, Project
from tracker.schema import one_of

AREA = (10, 2)


class HandoverTerms(Table):
    """A resettlement project's rules, configured once: quota, price tiers, order, idle threshold."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, unique=True, on_delete=OnDelete.restrict)
    quota_m2_per_person = Numeric(digits=AREA, null=False)  # e.g. 50.00 m² per recognised person
    base_price_fen = BigInt(null=False)  # per m², overage within the first tier and the shortfall basis
    tier1_m2 = Numeric(digits=AREA, null=False)  # first 15 m² over quota at the base price
    tier2_m2 = Numeric(digits=AREA, null=False)  # up to 30 m² over quota at the second factor
    tier2_factor = Numeric(digits=(5, 3), null=False)  # 1.5
    shortfall_price_fen = BigInt(null=False)  # per m² below quota, refunded
    order_method = Varchar(length=20, null=False)
    missed_slot = Varchar(length=20, null=False)
    lottery_seed = Varchar(length=200, null=True, default=None)  # published before the draw
    idle_days = Integer(default=180)

    order_method_known = Check(one_of("order_method", OrderMethod))
    missed_slot_known = Check(one_of("missed_slot", MissedSlot))
    tiers_ordered = Check("tier1_m2 >= 0 AND tier2_m2 >= tier1_m2 AND tier2_factor >= 1")
    prices_not_negative = Check("base_price_fen >= 0 AND shortfall_price_fen >= 0 AND quota_m2_per_person > 0")
    idle_days_positive = Check("idle_days > 0")


class DeliveryBatch(Table):
    """交付批次: buildings delivered together on an announced date."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    name = Varchar(length=80, null=False)
    planned_on = Date(null=False)
    status = Varchar(length=20, default=BatchStatus.planned.value)
    appointments_from = Date(null=True, default=None)  # the window residents may book handover in
    appointments_to = Date(null=True, default=None)

    batch_name_unique = Unique([project, name])
    batch_status_known = Check(one_of("status", BatchStatus))
    batch_window_ordered = Check(
        "appointments_from IS NULL OR appointments_to IS NULL OR appointments_from <= appointments_to"
    )


class BatchBuilding(Table):
    """Which batch a building is delivered in (a building is in one batch), and who built it: the
    contractor that answers for its acceptance failures and its warranty defects."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=DeliveryBatch, null=False, index=True, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=False, unique=True, on_delete=OnDelete.restrict)
    contractor = ForeignKey(references=Organisation, null=True, default=None, on_delete=OnDelete.restrict)


class BuildingMilestone(Table):
    """One milestone of a building: planned, forecast and actual dates."""

    id = Serial(primary_key=True)
    building = ForeignKey(references=Building, null=False, index=True, on_delete=OnDelete.restrict)
    milestone = Varchar(length=30, null=False)
    planned_on = Date(null=True, default=None)
    forecast_on = Date(null=True, default=None)
    actual_on = Date(null=True, default=None)

    milestone_unique = Unique([building, milestone])
    milestone_known = Check(one_of("milestone", Milestone))


class Unit(Table):
    """房源: a resettlement unit (the register's dwelling) with what selection and handover need."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    dwelling = ForeignKey(references=Dwelling, null=False, unique=True, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=False, index=True, on_delete=OnDelete.restrict)
    layout = Varchar(length=40, null=False)  # 户型, e.g. 两室一厅
    floor = Integer(null=False)
    orientation = Varchar(length=20, default="")  # 朝向
    contract_area = Numeric(digits=AREA, null=False)  # 合同 (预测) 面积
    surveyed_area = Numeric(digits=AREA, null=True, default=None)  # 实测面积
    status = Varchar(length=20, default=UnitStatus.in_construction.value, index=True)
    idle_reason = Text(default="")  # why a completed unit is not handed over

    unit_status_known = Check(one_of("status", UnitStatus))
    unit_areas_positive = Check("contract_area > 0 AND (surveyed_area IS NULL OR surveyed_area > 0)")


class UnitAcceptance(Table):
    """分户验收 of one unit: nine items; the unit passes when all nine pass."""

    id = Serial(primary_key=True)
    unit = ForeignKey(references=Unit, null=False, unique=True, on_delete=OnDelete.restrict)
    passed_on = Date(null=True, default=None)
    builder_rep = Varchar(length=80, default="")  # 施工单位
    supervisor_rep = Varchar(length=80, default="")  # 监理
    owner_rep = Varchar(length=80, default="")  # 建设单位


class AcceptanceCheck(Table):
    """One of the nine items of a unit's acceptance; a failed item opens an issue, and passes when the
    issue is verified."""

    id = Serial(primary_key=True)
    acceptance = ForeignKey(references=UnitAcceptance, null=False, index=True, on_delete=OnDelete.restrict)
    item = Integer(null=False)
    result = Varchar(length=20, default=ItemResult.pending.value)
    note = Text(default="")
    issue = ForeignKey(references=Issue, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    checked_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    checked_at = Timestamptz(null=True, default=None)

    acceptance_item_unique = Unique([acceptance, item])
    acceptance_item_known = Check("item BETWEEN 1 AND 9")
    acceptance_result_known = Check(one_of("result", ItemResult))
    failed_item_has_issue = Check("result <> 'failed' OR issue IS NOT NULL")


class SelectionSlot(Table):
    """A time window in which a group of households is called to the selection desk."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    label = Varchar(length=80, null=False)
    starts_at = Timestamptz(null=False)
    ends_at = Timestamptz(null=False)

    slot_label_unique = Unique([project, label])
    slot_ordered = Check("starts_at < ends_at")


class Entitlement(Table):
    """A signed household's right to resettlement in the project: persons, quota, set-off, order."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    household = ForeignKey(references=Household, null=False, index=True, on_delete=OnDelete.restrict)
    persons = Integer(null=False)  # recognised persons (认定人口)
    quota_area = Numeric(digits=AREA, null=False)
    compensation_fen = BigInt(default=0)  # compensation that may be set off against the price
    units_allowed = Integer(default=1)
    signed_at = Timestamptz(null=False)  # signing time: the order under 先签约先选房
    lottery_no = Integer(null=True, default=None)
    selection_order = Integer(null=True, default=None)
    slot = ForeignKey(references=SelectionSlot, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    units_selected = Integer(default=0)  # running total, held by a CHECK

    entitlement_household_unique = Unique([project, household])
    entitlement_order_unique = Unique([project, selection_order])
    entitlement_counts = Check("persons > 0 AND units_allowed >= 1 AND units_selected >= 0 "
                               "AND units_selected <= units_allowed AND quota_area > 0")


class Selection(Table):
    """A unit chosen by an entitled household at the selection desk, with the price difference
    worked out on the contract area (trued up on the surveyed area at handover)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    entitlement = ForeignKey(references=Entitlement, null=False, index=True, on_delete=OnDelete.restrict)
    unit = ForeignKey(references=Unit, null=False, unique=True, on_delete=OnDelete.restrict)
    selected_at = Timestamptz(default=TimestamptzNow())
    selected_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    price_difference_fen = BigInt(null=False)  # + the household pays, − it is refunded (contract area)
    true_up_fen = BigInt(null=True, default=None)  # on the surveyed area, at handover


class AppointmentSlot(Table):
    """Handover appointments on one day of a batch's window."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=DeliveryBatch, null=False, index=True, on_delete=OnDelete.restrict)
    day = Date(null=False)
    starts_at = Timestamptz(null=False)
    capacity = Integer(null=False)
    booked = Integer(default=0)

    appointment_slot_unique = Unique([batch, starts_at])
    appointment_capacity = Check("capacity > 0 AND booked >= 0 AND booked <= capacity")


class Appointment(Table):
    id = Serial(primary_key=True)
    time_slot = ForeignKey(references=AppointmentSlot, null=False, index=True, on_delete=OnDelete.restrict)
    selection = ForeignKey(references=Selection, null=False, unique=True, on_delete=OnDelete.restrict)
    booked_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    booked_at = Timestamptz(default=TimestamptzNow())


class HandoverRecord(Table):
    """交房确认书: keys, meter readings, defects noted on the spot, the resident's acknowledgement."""

    id = Serial(primary_key=True)
    selection = ForeignKey(references=Selection, null=False, unique=True, on_delete=OnDelete.restrict)
    handed_at = Timestamptz(null=False)
    keys = Integer(null=False)
    water_reading = Numeric(digits=(12, 2), null=True, default=None)
    electricity_reading = Numeric(digits=(12, 2), null=True, default=None)
    gas_reading = Numeric(digits=(12, 2), null=True, default=None)
    acknowledged = Boolean(default=False)
    handed_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    note = Text(default="")

    handover_keys_positive = Check("keys > 0")


class HandoverRating(Table):
    """A resident's rating of the handover and of the unit's quality (1–5)."""

    id = Serial(primary_key=True)
    record = ForeignKey(references=HandoverRecord, null=False, unique=True, on_delete=OnDelete.restrict)
    service_score = Integer(null=False)
    quality_score = Integer(null=False)
    comment = Text(default="")

    rating_scores_in_range = Check("service_score BETWEEN 1 AND 5 AND quality_score BETWEEN 1 AND 5")


class WarrantyClaim(Table):
    """A defect reported after handover, classified in or out of warranty (with the reason); in
    warranty it is routed into the inspection loop as a defect report on the unit, which an inspector
    accepts into an issue addressed to the building's contractor."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    unit = ForeignKey(references=Unit, null=False, index=True, on_delete=OnDelete.restrict)
    part = Varchar(length=30, null=False)
    description = Text(null=False)
    reported_on = Date(null=False)
    in_warranty = Boolean(null=False)
    reason = Varchar(length=300, null=False)  # why in or out, shown to the resident
    contractor = ForeignKey(references=Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    report = ForeignKey(references=DefectReport, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    at_handover = Boolean(default=False)  # noted on the spot at handover

    warranty_part_known = Check(one_of("part", WarrantyPart))
