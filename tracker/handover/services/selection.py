"""The selection desk: an entitled household chooses a unit in its slot; the price difference follows.

One unit goes to one household: the unit row moves from available to selected by one conditional
UPDATE (the row lock decides between two desks at once: one success, one 409 `unit_taken`), and
`selection.unit` is unique as the backstop. The household's count of units is a CHECKed running total.
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.query import WhereRaw

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, NotFound
from tracker.handover import pricing
from tracker.handover.kinds import UnitStatus
from tracker.handover.schemas import SelectIn, SelectionOut, StepOut
from tracker.handover.services.common import area, check_own_or_member, check_project, pricing_terms, terms_row
from tracker.handover.tables import Entitlement, Selection, SelectionSlot, Unit


async def select_unit(actor: Actor, data: SelectIn, *, project_id: int | None = None) -> SelectionOut:
    """Record a household's choice at the desk (`project_id`: the desk's project, when it names one)."""
    rows = await Entitlement.select(
        Entitlement.project, Entitlement.quota_area, Entitlement.slot, Entitlement.units_selected,
        Entitlement.units_allowed,
    ).where(Entitlement.id == data.entitlement_id)
    if not rows or (project_id is not None and rows[0]["project"] != project_id):
        raise NotFound("No entitlement {id}.", field="entitlement_id", id=data.entitlement_id)
    entitlement = rows[0]
    project_id = entitlement["project"]
    check_project(actor, project_id)
    terms = pricing_terms(await terms_row(project_id))
    now = clock.now()
    if entitlement["slot"] is None:
        raise Conflict("The household has no selection slot yet.", field="entitlement_id", rule="slot_required")
    slot = (await SelectionSlot.select().where(SelectionSlot.id == entitlement["slot"]))[0]
    if not slot["starts_at"] <= now < slot["ends_at"]:
        raise Conflict("The household's slot is {starts} to {ends}; it cannot select now.", field="entitlement_id",
                       rule="outside_slot", starts=clock.local(slot["starts_at"]).strftime("%Y-%m-%d %H:%M"),
                       ends=clock.local(slot["ends_at"]).strftime("%H:%M"))
    units = await Unit.select(Unit.project, Unit.contract_area, Unit.status).where(Unit.id == data.unit_id)
    if not units or units[0]["project"] != project_id:
        raise NotFound("No unit {id} in this project.", field="unit_id", id=data.unit_id)
    quota = area(entitlement["quota_area"])
    result = pricing.price(quota, area(units[0]["contract_area"]), terms)  # refuses an overage beyond the limit
    async with transaction():
        taken = await Unit.update({Unit.status: UnitStatus.selected.value}).where(
            Unit.id == data.unit_id, Unit.status == UnitStatus.available.value).returning(Unit.id)
        if not taken:
            raise Conflict("The unit is not available (taken or not yet completed).", field="unit_id",
                           rule="unit_taken")
        counted = await Entitlement.update({Entitlement.units_selected: Entitlement.units_selected + 1}).where(
            Entitlement.id == data.entitlement_id, WhereRaw("units_selected < units_allowed"),
        ).returning(Entitlement.id)
        if not counted:
            raise Conflict("The household has selected all the units it is entitled to.", field="entitlement_id",
                           rule="units_allowed")
        selection_id = (await Selection.insert(Selection(
            project=project_id, entitlement=data.entitlement_id, unit=data.unit_id, selected_by=actor.id,
            price_difference_fen=result.total_fen,
        )).returning(Selection.id))[0]["id"]
        await audit.record(actor, "handover.select", "selection", selection_id, {
            "entitlement_id": data.entitlement_id, "unit_id": data.unit_id,
            "price_difference_fen": result.total_fen})
    return await get_selection(actor, selection_id)


def _steps(quota: Decimal, unit_area: Decimal, terms: pricing.Terms) -> list[StepOut]:
    return [StepOut(s.label, s.area, s.price_fen, s.amount_fen) for s in pricing.price(quota, unit_area, terms).steps]


async def get_selection(actor: Actor, selection_id: int) -> SelectionOut:
    rows = await Selection.select(
        Selection.id, Selection.project, Selection.entitlement, Selection.unit, Selection.selected_at,
        Selection.price_difference_fen, Selection.true_up_fen, Selection.entitlement.quota_area.as_alias("quota"),
        Selection.entitlement.household.as_alias("household"), Selection.unit.contract_area.as_alias("area"),
        Selection.unit.building.name.as_alias("building"), Selection.unit.dwelling.number.as_alias("number"),
    ).where(Selection.id == selection_id)
    if not rows:
        raise NotFound("No selection {id}.", field="selection_id", id=selection_id)
    row = rows[0]
    check_own_or_member(actor, row["household"], row["project"])
    terms = pricing_terms(await terms_row(row["project"]))
    quota, unit_area = area(row["quota"]), area(row["area"])
    return SelectionOut(
        id=row["id"], entitlement_id=row["entitlement"], unit_id=row["unit"],
        unit=f"{row['building']} {row['number']}", quota_area=quota, area=unit_area,
        steps=_steps(quota, unit_area, terms), price_difference_fen=row["price_difference_fen"],
        true_up_fen=row["true_up_fen"], selected_at=row["selected_at"],
    )


async def selection_of(entitlement_id: int) -> list[int]:
    return [r["id"] for r in await Selection.select(Selection.id).where(Selection.entitlement == entitlement_id)]
