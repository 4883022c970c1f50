"""Handover appointments and the handover itself (交房): keys, meter readings, defects noted on the
spot, the resident's acknowledgement, the true-up on the surveyed area, and the resident's rating."""

from __future__ import annotations

import datetime as dt

from piccolo.query import WhereRaw

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.handover import pricing
from tracker.handover.kinds import Milestone, UnitStatus
from tracker.handover.schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentSlotIn,
    AppointmentSlotOut,
    ClaimIn,
    HandoverIn,
    HandoverOut,
    RatingIn,
)
from tracker.handover.services.common import area, check_own_or_member, check_project, pricing_terms, terms_row
from tracker.handover.services.warranty import report_claim
from tracker.handover.tables import (
    Appointment,
    AppointmentSlot,
    BatchBuilding,
    BuildingMilestone,
    DeliveryBatch,
    HandoverRating,
    HandoverRecord,
    Selection,
    Unit,
)


async def _selection(selection_id: int) -> dict:
    rows = await Selection.select(
        Selection.id, Selection.project, Selection.unit, Selection.unit.building.as_alias("building"),
        Selection.entitlement.household.as_alias("household"), Selection.entitlement.quota_area.as_alias("quota"),
        Selection.unit.contract_area.as_alias("contract_area"),
    ).where(Selection.id == selection_id)
    if not rows:
        raise NotFound("No selection {id}.", field="selection_id", id=selection_id)
    return rows[0]


async def add_appointment_slot(actor: Actor, batch_id: int, data: AppointmentSlotIn) -> AppointmentSlotOut:
    rows = await DeliveryBatch.select().where(DeliveryBatch.id == batch_id)
    if not rows:
        raise NotFound("No delivery batch {id}.", field="batch_id", id=batch_id)
    batch = rows[0]
    check_project(actor, batch["project"])
    day = clock.day_of(data.starts_at)
    if not (batch["appointments_from"] and batch["appointments_to"]
            and batch["appointments_from"] <= day <= batch["appointments_to"]):
        raise Invalid("The slot is outside the batch's appointment window.", field="starts_at",
                      rule="outside_window")
    async with transaction():
        slot_id = (await AppointmentSlot.insert(AppointmentSlot(
            batch=batch_id, day=day, starts_at=data.starts_at, capacity=data.capacity,
        )).returning(AppointmentSlot.id))[0]["id"]
        await audit.record(actor, "handover.appointment_slot", "delivery_batch", batch_id, {
            "starts_at": data.starts_at.isoformat(), "capacity": data.capacity})
    return AppointmentSlotOut(id=slot_id, batch_id=batch_id, day=day, starts_at=data.starts_at,
                              capacity=data.capacity, booked=0)


async def book(actor: Actor, selection_id: int, data: AppointmentIn) -> AppointmentOut:
    """Book (or move) the handover appointment of a selected unit: staff, or the resident themself,
    in a slot of the unit's batch that has room."""
    selection = await _selection(selection_id)
    check_own_or_member(actor, selection["household"], selection["project"])
    slots = await AppointmentSlot.select(AppointmentSlot.id, AppointmentSlot.batch, AppointmentSlot.starts_at) \
        .where(AppointmentSlot.id == data.appointment_slot_id)
    batch = await BatchBuilding.select(BatchBuilding.batch).where(BatchBuilding.building == selection["building"])
    if not slots or not batch or slots[0]["batch"] != batch[0]["batch"]:
        raise Invalid("Choose a slot of the unit's delivery batch.", field="appointment_slot_id",
                      rule="outside_window")
    if slots[0]["starts_at"] <= clock.now():
        raise Invalid("The slot has passed.", field="appointment_slot_id", rule="slot_passed")
    async with transaction():
        existing = await Appointment.select(Appointment.time_slot).where(Appointment.selection == selection_id)
        if existing:
            await AppointmentSlot.update({AppointmentSlot.booked: AppointmentSlot.booked - 1}).where(
                AppointmentSlot.id == existing[0]["time_slot"])
            await Appointment.delete().where(Appointment.selection == selection_id)
        room = await AppointmentSlot.update({AppointmentSlot.booked: AppointmentSlot.booked + 1}).where(
            AppointmentSlot.id == data.appointment_slot_id, WhereRaw("booked < capacity")).returning(AppointmentSlot.id)
        if not room:
            raise Conflict("The slot is full.", field="appointment_slot_id", rule="slot_full")
        await Appointment.insert(Appointment(time_slot=data.appointment_slot_id, selection=selection_id,
                                             booked_by=actor.id))
        await audit.record(actor, "handover.book", "selection", selection_id, {
            "appointment_slot_id": data.appointment_slot_id})
    return AppointmentOut(selection_id=selection_id, appointment_slot_id=data.appointment_slot_id,
                          starts_at=slots[0]["starts_at"])


async def completion_date(building_id: int) -> dt.date | None:
    rows = await BuildingMilestone.select(BuildingMilestone.actual_on).where(
        BuildingMilestone.building == building_id, BuildingMilestone.milestone == Milestone.completion_accepted.value)
    return rows[0]["actual_on"] if rows else None


async def record_handover(actor: Actor, selection_id: int, data: HandoverIn) -> HandoverOut:
    """Hand the keys over. Not before the building's 竣工验收; defects noted become warranty claims;
    the surveyed area, when measured, trues up the price difference."""
    selection = await _selection(selection_id)
    check_project(actor, selection["project"])
    completed = await completion_date(selection["building"])
    if completed is None:
        raise Conflict("The building has no completion acceptance (竣工验收) yet.", field="selection_id",
                       rule="before_completion")
    if not data.acknowledged:
        raise Invalid("The resident acknowledges the handover.", field="acknowledged", rule="required")
    terms = pricing_terms(await terms_row(selection["project"]))
    true_up = None
    if data.surveyed_area is not None:
        true_up = pricing.true_up(area(selection["quota"]), area(selection["contract_area"]), data.surveyed_area,
                                  terms)
    async with transaction():
        moved = await Unit.update({Unit.status: UnitStatus.handed_over.value,
                                   **({Unit.surveyed_area: data.surveyed_area} if data.surveyed_area else {})}) \
            .where(Unit.id == selection["unit"], Unit.status == UnitStatus.selected.value).returning(Unit.id)
        if not moved:
            raise Conflict("The unit is already handed over.", field="selection_id", rule="handed_over_once")
        if true_up is not None:
            await Selection.update({Selection.true_up_fen: true_up}).where(Selection.id == selection_id)
        record_id = (await HandoverRecord.insert(HandoverRecord(
            selection=selection_id, handed_at=clock.now(), keys=data.keys, water_reading=data.water_reading,
            electricity_reading=data.electricity_reading, gas_reading=data.gas_reading, acknowledged=True,
            handed_by=actor.id, note=data.note,
        )).returning(HandoverRecord.id))[0]["id"]
        claims = [(await report_claim(actor, selection["unit"], ClaimIn(part=d.part, description=d.description),
                                      at_handover=True)).id for d in data.defects]
        await audit.record(actor, "handover.hand_over", "selection", selection_id, {
            "keys": data.keys, "surveyed_area": str(data.surveyed_area) if data.surveyed_area else None,
            "true_up_fen": true_up, "claims": claims})
    return HandoverOut(id=record_id, selection_id=selection_id, unit_id=selection["unit"],
                       handed_at=clock.now(), keys=data.keys, acknowledged=True, true_up_fen=true_up, claims=claims)


async def rate(actor: Actor, selection_id: int, data: RatingIn) -> None:
    """The resident rates the handover and the unit's quality, once."""
    selection = await _selection(selection_id)
    if selection["household"] != actor.household_id:
        raise Forbidden("Only the household that received the unit rates its handover.", rule="own_household")
    records = await HandoverRecord.select(HandoverRecord.id).where(HandoverRecord.selection == selection_id)
    if not records:
        raise Conflict("The unit is not handed over yet.", field="selection_id", rule="not_handed_over")
    async with transaction():
        await HandoverRating.insert(HandoverRating(record=records[0]["id"], service_score=data.service_score,
                                                   quality_score=data.quality_score, comment=data.comment))
        await audit.record(actor, "handover.rate", "selection", selection_id, {
            "service_score": data.service_score, "quality_score": data.quality_score})
