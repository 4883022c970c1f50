"""Read models of the handover pages: the desk's offer, a handover record, the resident's home, a unit's
neighbours in its building, ratings per batch. Reads only; the rules stay in the other modules."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.handover import pricing
from tracker.handover.kinds import UnitStatus
from tracker.handover.schemas import (
    AppointmentOut,
    BatchRatingOut,
    HomeOut,
    OfferOut,
    RecordOut,
    SlotChoiceOut,
    StepOut,
    UnitOut,
)
from tracker.handover.services.common import area, check_project, pricing_terms, terms_row
from tracker.handover.services.entitlements import get_entitlement
from tracker.handover.services.schedule import batch_progress
from tracker.handover.services.selection import get_selection
from tracker.handover.services.units import _COLUMNS as UNIT_COLUMNS, list_units
from tracker.handover.services.warranty import _claims
from tracker.handover.tables import (
    Appointment,
    AppointmentSlot,
    BatchBuilding,
    Entitlement,
    HandoverRating,
    HandoverRecord,
    Selection,
    Unit,
    WarrantyClaim,
)
from tracker.rows import to_schema


async def desk_offer(actor: Actor, entitlement_id: int, *, limit: int = 300) -> list[OfferOut]:
    """The available units within the household's quota plus the allowed overage, each with the price
    difference it would cost (closest to the quota first)."""
    entitlement = await get_entitlement(actor, entitlement_id)
    terms = pricing_terms(await terms_row(entitlement.project_id))
    quota = area(entitlement.quota_area)
    units = await list_units(actor, entitlement.project_id, status=UnitStatus.available,
                             max_area=quota + terms.tier2_m2, limit=limit)
    offers = []
    for u in units:
        priced = pricing.price(quota, area(u.contract_area), terms)
        offers.append(OfferOut(unit=u, over_area=area(u.contract_area) - quota, price_difference_fen=priced.total_fen,
                               steps=[StepOut(s.label, s.area, s.price_fen, s.amount_fen) for s in priced.steps]))
    return sorted(offers, key=lambda o: (abs(o.over_area), o.unit.building, o.unit.number))


async def handover_record(actor: Actor, selection_id: int) -> RecordOut | None:
    """The selection's handover record, if the keys are handed over (the actor may see the selection)."""
    await get_selection(actor, selection_id)
    rows = await HandoverRecord.select(
        HandoverRecord.id, HandoverRecord.selection.as_alias("selection_id"), HandoverRecord.handed_at,
        HandoverRecord.keys, HandoverRecord.water_reading, HandoverRecord.electricity_reading,
        HandoverRecord.gas_reading, HandoverRecord.acknowledged, HandoverRecord.note,
        HandoverRecord.selection.true_up_fen.as_alias("true_up_fen"),
        HandoverRecord.selection.unit.surveyed_area.as_alias("surveyed_area"),
    ).where(HandoverRecord.selection == selection_id)
    if not rows:
        return None
    rated = await HandoverRating.exists().where(HandoverRating.record == rows[0]["id"])
    return to_schema(rows[0], RecordOut, rated=rated)


async def resident_home(actor: Actor) -> HomeOut:
    """The resident's own resettlement: their household's entitlement, selected unit, its batch's
    progress, the appointment and the slots still open, the handover record and the defects reported."""
    empty = HomeOut(entitlement=None, selection=None, unit=None, batch=None, appointment=None, slots=[],
                    record=None, claims=[])
    if actor.household_id is None:
        return empty
    rows = await Entitlement.select(Entitlement.id).where(Entitlement.household == actor.household_id) \
        .order_by(Entitlement.id)
    if not rows:
        return empty
    entitlement = await get_entitlement(actor, rows[0]["id"])
    chosen = await Selection.select(Selection.id, Selection.unit).where(
        Selection.entitlement == entitlement.id).order_by(Selection.id)
    if not chosen:
        return msgspec.structs.replace(empty, entitlement=entitlement)
    selection = await get_selection(actor, chosen[0]["id"])
    unit = to_schema((await Unit.select(*UNIT_COLUMNS).where(Unit.id == selection.unit_id))[0], UnitOut)
    batch_id = await batch_of(unit.building_id)
    batch = await batch_progress(batch_id) if batch_id else None
    appointment, slots = await appointment_choices(selection.id, batch.id if batch else None)
    return HomeOut(
        entitlement=entitlement, selection=selection, unit=unit, batch=batch, appointment=appointment, slots=slots,
        record=await handover_record(actor, selection.id),
        claims=await _claims(WarrantyClaim.unit == unit.id),
    )


async def appointment_choices(selection_id: int, batch_id: int | None) -> tuple[AppointmentOut | None,
                                                                                 list[SlotChoiceOut]]:
    """The selection's appointment, if booked, and the slots of its batch still ahead with room."""
    booked = await Appointment.select(
        Appointment.selection.as_alias("selection_id"), Appointment.time_slot.as_alias("appointment_slot_id"),
        Appointment.time_slot.starts_at.as_alias("starts_at"),
    ).where(Appointment.selection == selection_id)
    slots = []
    if batch_id is not None:
        open_rows = await AppointmentSlot.select(AppointmentSlot.id, AppointmentSlot.starts_at,
                                                 AppointmentSlot.capacity, AppointmentSlot.booked).where(
            AppointmentSlot.batch == batch_id, AppointmentSlot.starts_at > clock.now(),
        ).order_by(AppointmentSlot.starts_at)
        slots = [SlotChoiceOut(id=r["id"], starts_at=r["starts_at"], room=r["capacity"] - r["booked"])
                 for r in open_rows if r["capacity"] > r["booked"]]
    return (to_schema(booked[0], AppointmentOut) if booked else None), slots


async def batch_of(building_id: int) -> int | None:
    member = await BatchBuilding.select(BatchBuilding.batch).where(BatchBuilding.building == building_id)
    return member[0]["batch"] if member else None


async def neighbours(actor: Actor, unit_id: int, building_id: int) -> tuple[int | None, int | None, int, int]:
    """The units before and after this one in its building (number order), its position and the count:
    the acceptance walks a building unit by unit."""
    rows = await Unit.select(Unit.id, Unit.project, Unit.dwelling.number.as_alias("number")).where(
        Unit.building == building_id).order_by(Unit.dwelling.number)
    if rows:
        check_project(actor, rows[0]["project"])
    ids = [r["id"] for r in rows]
    at = ids.index(unit_id) if unit_id in ids else 0
    return (ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None, at + 1, len(ids))


async def first_units(project_id: int) -> dict[int, int]:
    """Each building's first unit (by number): where its acceptance walk starts."""
    rows = await Unit.select(Unit.id, Unit.building, Unit.dwelling.number.as_alias("number")).where(
        Unit.project == project_id).order_by(Unit.dwelling.number)
    first: dict[int, int] = {}
    for r in rows:
        first.setdefault(r["building"], r["id"])
    return first


async def batch_ratings(project_id: int) -> dict[int, BatchRatingOut]:
    """Residents' ratings of handover and quality, averaged per batch (two decimals)."""
    rows = await HandoverRating.raw(
        "SELECT bb.batch AS batch_id, COUNT(*) AS n, SUM(r.service_score) AS service, "
        "SUM(r.quality_score) AS quality FROM handover_rating r "
        "JOIN handover_record h ON h.id = r.record JOIN selection s ON s.id = h.selection "
        "JOIN unit u ON u.id = s.unit JOIN batch_building bb ON bb.building = u.building "
        "WHERE u.project = {} GROUP BY bb.batch", project_id)

    def avg(total, n) -> Decimal:
        return (Decimal(int(total)) / Decimal(int(n))).quantize(Decimal("0.01"))

    return {r["batch_id"]: BatchRatingOut(batch_id=r["batch_id"], ratings=int(r["n"]),
                                          service_avg=avg(r["service"], r["n"]), quality_avg=avg(r["quality"], r["n"]))
            for r in rows}

