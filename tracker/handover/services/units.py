"""The unit inventory (房源): resettlement units over the register's dwellings, their states, idle units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Invalid, NotFound
from tracker.handover.kinds import Milestone, UnitStatus
from tracker.handover.schemas import IdleUnitOut, UnitIn, UnitOut
from tracker.handover.services.common import check_project, resettlement_project
from tracker.handover.tables import BatchBuilding, BuildingMilestone, HandoverTerms, Unit
from tracker.register.tables import Building, Dwelling
from tracker.rows import to_schema, to_schemas

_COLUMNS = (
    Unit.id, Unit.project.as_alias("project_id"), Unit.building.as_alias("building_id"),
    Unit.building.name.as_alias("building"), Unit.dwelling.number.as_alias("number"), Unit.layout, Unit.floor,
    Unit.orientation, Unit.contract_area, Unit.surveyed_area, Unit.status, Unit.idle_reason,
)


async def add_unit(actor: Actor, project_id: int, data: UnitIn) -> UnitOut:
    """A new resettlement unit: its dwelling in the register and its handover record, together.
    A unit of a building whose completion acceptance is recorded is available at once."""
    await resettlement_project(actor, project_id)
    async with transaction():
        rows = await Building.select(Building.project).where(Building.id == data.building_id)
        if not rows or rows[0]["project"] != project_id:
            raise Invalid("Building {id} is not in this project.", field="building_id", rule="same_project",
                          id=data.building_id)
        dwelling = (await Dwelling.insert(Dwelling(
            project=project_id, building=data.building_id, number=data.number.strip(), stairwell=data.stairwell,
            floor=data.floor, contract_area=data.contract_area,
        )).returning(Dwelling.id))[0]["id"]
        completed = await BuildingMilestone.exists().where(
            BuildingMilestone.building == data.building_id,
            BuildingMilestone.milestone == Milestone.completion_accepted.value,
            BuildingMilestone.actual_on.is_not_null())
        status = UnitStatus.available if completed else UnitStatus.in_construction
        unit_id = (await Unit.insert(Unit(
            project=project_id, dwelling=dwelling, building=data.building_id, layout=data.layout.strip(),
            floor=data.floor, orientation=data.orientation.strip(), contract_area=data.contract_area,
            status=status.value,
        )).returning(Unit.id))[0]["id"]
        await audit.record(actor, "handover.unit_create", "unit", unit_id, {
            "building_id": data.building_id, "number": data.number, "layout": data.layout,
            "contract_area": str(data.contract_area)})
    return await get_unit(actor, unit_id)


async def get_unit(actor: Actor, unit_id: int) -> UnitOut:
    rows = await Unit.select(*_COLUMNS).where(Unit.id == unit_id)
    if not rows:
        raise NotFound("No unit {id}.", field="unit_id", id=unit_id)
    check_project(actor, rows[0]["project_id"])
    return to_schema(rows[0], UnitOut)


async def list_units(actor: Actor, project_id: int, *, status: UnitStatus | None = None,
                     building_id: int | None = None, max_area: Decimal | None = None,
                     limit: int = 200, offset: int = 0) -> list[UnitOut]:
    """Units in building and number order; `max_area` keeps those a household's quota allows."""
    check_project(actor, project_id)
    query = Unit.select(*_COLUMNS).where(Unit.project == project_id)
    if status is not None:
        query = query.where(Unit.status == status.value)
    if building_id is not None:
        query = query.where(Unit.building == building_id)
    if max_area is not None:
        query = query.where(Unit.contract_area <= max_area)
    rows = await query.order_by(Unit.building).order_by(Unit.dwelling.number).limit(limit).offset(offset)
    return to_schemas(rows, UnitOut)


async def set_idle_reason(actor: Actor, unit_id: int, reason: str) -> UnitOut:
    unit = await get_unit(actor, unit_id)
    async with transaction():
        await Unit.update({Unit.idle_reason: reason.strip()}).where(Unit.id == unit_id)
        await audit.record(actor, "handover.idle_reason", "unit", unit_id, {"reason": reason.strip()})
    return await get_unit(actor, unit.id)


async def idle_units(actor: Actor, project_id: int, *, today: dt.date | None = None) -> list[IdleUnitOut]:
    """Units of buildings whose completion acceptance is older than the project's idle threshold and
    that are not handed over, longest idle first (审计: 安置房长期闲置)."""
    check_project(actor, project_id)
    today = today or clock.today()
    terms = await HandoverTerms.select(HandoverTerms.idle_days).where(HandoverTerms.project == project_id)
    threshold = terms[0]["idle_days"] if terms else 180
    completed = await BuildingMilestone.select(BuildingMilestone.building, BuildingMilestone.actual_on).where(
        BuildingMilestone.milestone == Milestone.completion_accepted.value,
        BuildingMilestone.actual_on.is_not_null(),
        BuildingMilestone.actual_on <= today - dt.timedelta(days=threshold),
        BuildingMilestone.building.project == project_id,
    )
    if not completed:
        return []
    done = {row["building"]: row["actual_on"] for row in completed}
    batches = {row["building"]: row["name"] for row in await BatchBuilding.select(
        BatchBuilding.building, BatchBuilding.batch.name.as_alias("name")).where(
        BatchBuilding.building.is_in(list(done)))}
    rows = await Unit.select(
        Unit.id, Unit.building, Unit.building.name.as_alias("building_name"),
        Unit.dwelling.number.as_alias("number"), Unit.contract_area, Unit.idle_reason,
    ).where(Unit.building.is_in(list(done)), Unit.status != UnitStatus.handed_over.value)
    out = [IdleUnitOut(
        unit_id=r["id"], building=r["building_name"], number=r["number"], batch=batches.get(r["building"]),
        completed_on=done[r["building"]], idle_days=(today - done[r["building"]]).days,
        area=Decimal(str(r["contract_area"])), reason=r["idle_reason"],
    ) for r in rows]
    return sorted(out, key=lambda u: (-u.idle_days, u.building, u.number))
