"""Entitlements of signed households, the selection order (by signing or by the published lottery) and
the slots households are called in."""

from __future__ import annotations

import datetime as dt

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.consultations.kinds import ConsultationKind
from tracker.consultations.tables import Consultation, SigningProgress
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.handover import ordering
from tracker.handover.kinds import MissedSlot, OrderMethod
from tracker.handover.pricing import quota_area
from tracker.handover.schemas import EntitlementIn, EntitlementOut, EntitleSignedIn, OrderIn, SlotOut, SlotsIn
from tracker.handover.services.common import (
    check_own_or_member,
    check_project,
    pricing_terms,
    resettlement_project,
    terms_row,
)
from tracker.handover.tables import Entitlement, HandoverTerms, Selection, SelectionSlot
from tracker.register.tables import Household
from tracker.rows import to_schema, to_schemas

_COLUMNS = (
    Entitlement.id, Entitlement.project.as_alias("project_id"), Entitlement.household.as_alias("household_id"),
    Entitlement.household.certificate_no.as_alias("certificate_no"),
    Entitlement.household.holder_names.as_alias("holder_names"), Entitlement.persons, Entitlement.quota_area,
    Entitlement.compensation_fen, Entitlement.units_allowed, Entitlement.units_selected, Entitlement.signed_at,
    Entitlement.lottery_no, Entitlement.selection_order, Entitlement.slot.as_alias("slot_id"),
)


async def _insert(project_id: int, household_id: int, persons: int, signed_at: dt.datetime, terms: dict,
                  compensation_fen: int = 0, units_allowed: int = 1) -> int:
    return (await Entitlement.insert(Entitlement(
        project=project_id, household=household_id, persons=persons,
        quota_area=quota_area(persons, pricing_terms(terms)), compensation_fen=compensation_fen,
        units_allowed=units_allowed, signed_at=signed_at,
    )).returning(Entitlement.id))[0]["id"]


async def entitle(actor: Actor, project_id: int, data: EntitlementIn) -> EntitlementOut:
    """One household's entitlement, with its recognised persons and the compensation it may set off."""
    await resettlement_project(actor, project_id)
    terms = await terms_row(project_id)
    async with transaction():
        if not await Household.exists().where(Household.id == data.household_id):
            raise NotFound("No household {id}.", field="household_id", id=data.household_id)
        if await Entitlement.exists().where(Entitlement.project == project_id,
                                            Entitlement.household == data.household_id):
            raise Conflict("The household is already entitled in this project.", field="household_id",
                           rule="entitlement_household_unique")
        entitlement_id = await _insert(project_id, data.household_id, data.persons, data.signed_at, terms,
                                       data.compensation_fen, data.units_allowed)
        await audit.record(actor, "handover.entitle", "entitlement", entitlement_id, {
            "household_id": data.household_id, "persons": data.persons, "signed_at": data.signed_at.isoformat(),
            "compensation_fen": data.compensation_fen, "units_allowed": data.units_allowed})
    return await get_entitlement(actor, entitlement_id)


async def entitle_signed(actor: Actor, project_id: int, data: EntitleSignedIn) -> list[EntitlementOut]:
    """Every household that signed in an expropriation consultation is entitled here (once): its
    signing date is its place under 先签约先选房 (the recorded signing's row order breaks a same-day tie)."""
    await resettlement_project(actor, project_id)
    terms = await terms_row(project_id)
    consultation = await Consultation.select(Consultation.kind).where(Consultation.id == data.consultation_id)
    if not consultation:
        raise NotFound("No consultation {id}.", field="consultation_id", id=data.consultation_id)
    if consultation[0]["kind"] != ConsultationKind.signing.value:
        raise Conflict("Entitlements come from a signing consultation.", field="consultation_id",
                       rule="signing_consultation")
    signed = await SigningProgress.select(
        SigningProgress.id, SigningProgress.signed_on, SigningProgress.roll_entry.household.as_alias("household"),
    ).where(SigningProgress.consultation == data.consultation_id, SigningProgress.signed_on.is_not_null()) \
        .order_by(SigningProgress.signed_on).order_by(SigningProgress.id)
    async with transaction():
        known = {r["household"] for r in await Entitlement.select(Entitlement.household).where(
            Entitlement.project == project_id)}
        made = []
        for position, row in enumerate(signed):
            if row["household"] in known:
                continue
            # Same-day signings keep their recorded order, a second apart.
            signed_at = clock.day_start(row["signed_on"]) + dt.timedelta(seconds=position)
            made.append(await _insert(project_id, row["household"], data.persons, signed_at, terms))
            known.add(row["household"])
        await audit.record(actor, "handover.entitle_signed", "project", project_id, {
            "consultation_id": data.consultation_id, "entitled": len(made)})
    return to_schemas(await Entitlement.select(*_COLUMNS).where(Entitlement.id.is_in(made or [-1]))
                      .order_by(Entitlement.signed_at), EntitlementOut)


async def get_entitlement(actor: Actor, entitlement_id: int) -> EntitlementOut:
    rows = await Entitlement.select(*_COLUMNS).where(Entitlement.id == entitlement_id)
    if not rows:
        raise NotFound("No entitlement {id}.", field="entitlement_id", id=entitlement_id)
    check_own_or_member(actor, rows[0]["household_id"], rows[0]["project_id"])
    return to_schema(rows[0], EntitlementOut)


async def list_entitlements(actor: Actor, project_id: int, *, q: str = "", limit: int = 50,
                            offset: int = 0) -> list[EntitlementOut]:
    """In selection order (unordered ones last, by signing); `q` finds a certificate or a holder name."""
    check_project(actor, project_id)
    query = Entitlement.select(*_COLUMNS).where(Entitlement.project == project_id)
    if q.strip():
        needle = f"%{q.strip()}%"
        query = query.where(Entitlement.household.certificate_no.ilike(needle)
                            | Entitlement.household.holder_names.ilike(needle))
    rows = await query.order_by(Entitlement.selection_order).order_by(Entitlement.signed_at).limit(limit).offset(offset)
    rows.sort(key=lambda r: (r["selection_order"] is None, r["selection_order"] or 0))
    return to_schemas(rows, EntitlementOut)


async def fix_order(actor: Actor, project_id: int, data: OrderIn) -> list[EntitlementOut]:
    """Fix the selection order once, by the project's method; a lottery needs its published seed,
    which is stored, so anyone can recompute the order."""
    await resettlement_project(actor, project_id)
    terms = await terms_row(project_id)
    method = OrderMethod(terms["order_method"])
    if method is OrderMethod.lottery and not data.seed:
        raise Invalid("A lottery needs its published seed.", field="seed", rule="required")
    async with transaction():
        if await Entitlement.exists().where(Entitlement.project == project_id,
                                            Entitlement.selection_order.is_not_null()):
            raise Conflict("The selection order is already fixed.", rule="order_once")
        rows = await Entitlement.select(
            Entitlement.id, Entitlement.signed_at, Entitlement.household.certificate_no.as_alias("cert"),
        ).where(Entitlement.project == project_id)
        candidates = [ordering.Candidate(r["id"], r["cert"], r["signed_at"]) for r in rows]
        if method is OrderMethod.lottery:
            order = ordering.by_lottery(data.seed, candidates)
            await HandoverTerms.update({HandoverTerms.lottery_seed: data.seed}).where(
                HandoverTerms.project == project_id)
        else:
            order = ordering.by_signing(candidates)
        for position, candidate in enumerate(order, start=1):
            await Entitlement.update({
                Entitlement.selection_order: position,
                Entitlement.lottery_no: position if method is OrderMethod.lottery else None,
            }).where(Entitlement.id == candidate.entitlement_id)
        await audit.record(actor, "handover.order", "project", project_id, {
            "method": method.value, "seed": data.seed, "order": [c.certificate_no for c in order]})
    return await list_entitlements(actor, project_id, limit=100_000)


async def make_slots(actor: Actor, project_id: int, data: SlotsIn) -> list[SlotOut]:
    """Call households in order, `per_slot` at a time, in consecutive windows of `minutes`."""
    await resettlement_project(actor, project_id)
    async with transaction():
        if await SelectionSlot.exists().where(SelectionSlot.project == project_id):
            raise Conflict("The selection slots are already made.", rule="slots_once")
        rows = await Entitlement.select(Entitlement.id, Entitlement.selection_order).where(
            Entitlement.project == project_id, Entitlement.selection_order.is_not_null()
        ).order_by(Entitlement.selection_order)
        if not rows:
            raise Conflict("Fix the selection order first.", rule="order_required")
        ids = [r["id"] for r in rows]
        for index, group in enumerate(ids[i:i + data.per_slot] for i in range(0, len(ids), data.per_slot)):
            starts = data.first_starts_at + dt.timedelta(minutes=data.minutes * index)
            slot_id = (await SelectionSlot.insert(SelectionSlot(
                project=project_id, label=f"{index + 1}", starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=data.minutes),
            )).returning(SelectionSlot.id))[0]["id"]
            await Entitlement.update({Entitlement.slot: slot_id}).where(Entitlement.id.is_in(group))
        await audit.record(actor, "handover.slots", "project", project_id, {
            "first_starts_at": data.first_starts_at.isoformat(), "minutes": data.minutes, "per_slot": data.per_slot})
    return await list_slots(actor, project_id)


async def list_slots(actor: Actor, project_id: int) -> list[SlotOut]:
    check_project(actor, project_id)
    slots = await SelectionSlot.select().where(SelectionSlot.project == project_id).order_by(SelectionSlot.starts_at)
    members = await Entitlement.select(Entitlement.id, Entitlement.slot).where(
        Entitlement.project == project_id, Entitlement.slot.is_not_null()).order_by(Entitlement.selection_order)
    return [SlotOut(id=s["id"], label=s["label"], starts_at=s["starts_at"], ends_at=s["ends_at"],
                    entitlement_ids=[m["id"] for m in members if m["slot"] == s["id"]]) for s in slots]


async def miss_slot(actor: Actor, entitlement_id: int) -> EntitlementOut:
    """The household did not come in its slot: it moves back as the project's rule says."""
    entitlement = await get_entitlement(actor, entitlement_id)
    terms = await terms_row(entitlement.project_id)
    if entitlement.slot_id is None:
        raise Conflict("The household has no slot.", rule="slot_required")
    async with transaction():
        if await Selection.exists().where(Selection.entitlement == entitlement_id):
            raise Conflict("The household has already selected.", rule="already_selected")
        slots = await list_slots(actor, entitlement.project_id)
        moved = ordering.after_missing([s.entitlement_ids for s in slots], entitlement_id,
                                       MissedSlot(terms["missed_slot"]))
        if len(moved) > len(slots):  # a slot after the last one, as long as the last
            last = slots[-1]
            length = last.ends_at - last.starts_at
            slots.append(SlotOut(id=(await SelectionSlot.insert(SelectionSlot(
                project=entitlement.project_id, label=str(len(slots) + 1), starts_at=last.ends_at,
                ends_at=last.ends_at + length)).returning(SelectionSlot.id))[0]["id"],
                label="", starts_at=last.ends_at, ends_at=last.ends_at + length, entitlement_ids=[]))
        slot_of = {e: slots[i].id for i, group in enumerate(moved) for e in group}
        order = [e for group in moved for e in group]
        # Orders are unique: clear them first, then write the new sequence.
        await Entitlement.update({Entitlement.selection_order: None}).where(Entitlement.id.is_in(order))
        for position, e in enumerate(order, start=1):
            await Entitlement.update({Entitlement.selection_order: position, Entitlement.slot: slot_of[e]}).where(
                Entitlement.id == e)
        await audit.record(actor, "handover.missed_slot", "entitlement", entitlement_id, {
            "rule": terms["missed_slot"], "slot_id": slot_of[entitlement_id]})
    return await get_entitlement(actor, entitlement_id)
