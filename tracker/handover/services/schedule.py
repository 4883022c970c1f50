"""The delivery schedule: the project's handover terms, batches, their buildings and milestones."""

from __future__ import annotations

from collections import defaultdict

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.accounts.tables import Organisation
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.handover import timeline
from tracker.handover.kinds import MILESTONE_ORDER, Milestone, UnitStatus
from tracker.handover.schemas import (
    BatchIn,
    BatchOut,
    BuildingIn,
    BuildingScheduleOut,
    MilestoneIn,
    MilestoneOut,
    TermsIn,
    TermsOut,
)
from tracker.handover.services.acceptance import units_not_passed
from tracker.handover.services.common import check_project, resettlement_project, terms_row
from tracker.handover.tables import BatchBuilding, BuildingMilestone, DeliveryBatch, HandoverTerms, Unit
from tracker.register.tables import Building
from tracker.rows import to_schema, to_schemas


async def set_terms(actor: Actor, project_id: int, data: TermsIn) -> TermsOut:
    """The project's resettlement rules; the lottery seed, once published, is kept."""
    await resettlement_project(actor, project_id)
    if data.tier2_m2 < data.tier1_m2:
        raise Invalid("The second tier must reach at least as far as the first.", field="tier2_m2",
                      rule="tiers_ordered")
    values = {
        "quota_m2_per_person": data.quota_m2_per_person, "base_price_fen": data.base_price_fen,
        "tier1_m2": data.tier1_m2, "tier2_m2": data.tier2_m2, "tier2_factor": data.tier2_factor,
        "shortfall_price_fen": data.shortfall_price_fen, "order_method": data.order_method.value,
        "missed_slot": data.missed_slot.value, "idle_days": data.idle_days,
    }
    async with transaction():
        if await HandoverTerms.exists().where(HandoverTerms.project == project_id):
            await HandoverTerms.update({getattr(HandoverTerms, k): v for k, v in values.items()}).where(
                HandoverTerms.project == project_id)
        else:
            await HandoverTerms.insert(HandoverTerms(project=project_id, **values))
        await audit.record(actor, "handover.terms", "project", project_id, {k: str(v) for k, v in values.items()})
    return await get_terms(actor, project_id)


async def get_terms(actor: Actor, project_id: int) -> TermsOut:
    check_project(actor, project_id)
    return to_schema(await terms_row(project_id), TermsOut, project_id=project_id)


async def create_batch(actor: Actor, project_id: int, data: BatchIn) -> BatchOut:
    await resettlement_project(actor, project_id)
    if data.appointments_from and data.appointments_to and data.appointments_from > data.appointments_to:
        raise Invalid("The appointment window ends before it starts.", field="appointments_to",
                      rule="window_ordered")
    async with transaction():
        batch_id = (await DeliveryBatch.insert(DeliveryBatch(
            project=project_id, name=data.name.strip(), planned_on=data.planned_on,
            appointments_from=data.appointments_from, appointments_to=data.appointments_to,
        )).returning(DeliveryBatch.id))[0]["id"]
        for building_id in data.building_ids:
            await _add_building(project_id, batch_id, BuildingIn(building_id=building_id))
        await audit.record(actor, "handover.batch_create", "delivery_batch", batch_id, {
            "name": data.name, "planned_on": data.planned_on.isoformat(), "building_ids": data.building_ids,
        })
    return await get_batch(actor, batch_id)


async def _add_building(project_id: int, batch_id: int, data: BuildingIn) -> None:
    rows = await Building.select(Building.project).where(Building.id == data.building_id)
    if not rows or rows[0]["project"] != project_id:
        raise Invalid("Building {id} is not in this project.", field="building_ids", rule="same_project",
                      id=data.building_id)
    if data.contractor_org_id is not None and not await Organisation.exists().where(
            Organisation.id == data.contractor_org_id, Organisation.kind == "contractor"):
        raise Invalid("Choose a contractor organisation.", field="contractor_org_id", rule="contractor")
    if await BatchBuilding.exists().where(BatchBuilding.building == data.building_id):
        await BatchBuilding.update({BatchBuilding.batch: batch_id, BatchBuilding.contractor: data.contractor_org_id}) \
            .where(BatchBuilding.building == data.building_id)
    else:
        await BatchBuilding.insert(BatchBuilding(batch=batch_id, building=data.building_id,
                                                 contractor=data.contractor_org_id))


async def add_building(actor: Actor, batch_id: int, data: BuildingIn) -> BatchOut:
    """Put a building in the batch (moving it from another one) and name its contractor."""
    batch = await _batch_row(batch_id)
    check_project(actor, batch["project"])
    async with transaction():
        await _add_building(batch["project"], batch_id, data)
        await audit.record(actor, "handover.batch_building", "delivery_batch", batch_id, {
            "building_id": data.building_id, "contractor_org_id": data.contractor_org_id})
    return await get_batch(actor, batch_id)


async def set_milestone(actor: Actor, building_id: int, data: MilestoneIn) -> list[MilestoneOut]:
    """Record a building's milestone dates. 竣工验收 needs every unit's acceptance passed; it makes the
    building's units available for selection."""
    rows = await Building.select(Building.project).where(Building.id == building_id)
    if not rows:
        raise NotFound("No building {id}.", field="building_id", id=building_id)
    check_project(actor, rows[0]["project"])
    if data.actual_on and data.actual_on > clock.today():
        raise Invalid("An actual date cannot be in the future.", field="actual_on", rule="not_future")
    async with transaction():
        if data.actual_on and data.milestone in (Milestone.units_accepted, Milestone.completion_accepted):
            failing = await units_not_passed(building_id)
            if failing:
                raise Conflict("{count} units have not passed acceptance, first: {first}.", field="milestone",
                               rule="units_not_accepted", count=len(failing), first=", ".join(failing[:5]))
        if data.actual_on and data.milestone is Milestone.handed_over:
            raise Conflict("A building is handed over unit by unit at the handover desk.", field="milestone",
                           rule="handover_by_unit")
        values = {"planned_on": data.planned_on, "forecast_on": data.forecast_on, "actual_on": data.actual_on}
        if await BuildingMilestone.exists().where(BuildingMilestone.building == building_id,
                                                  BuildingMilestone.milestone == data.milestone.value):
            await BuildingMilestone.update({getattr(BuildingMilestone, k): v for k, v in values.items()}).where(
                BuildingMilestone.building == building_id, BuildingMilestone.milestone == data.milestone.value)
        else:
            await BuildingMilestone.insert(BuildingMilestone(building=building_id, milestone=data.milestone.value,
                                                             **values))
        if data.milestone is Milestone.completion_accepted and data.actual_on:
            await Unit.update({Unit.status: UnitStatus.available.value}).where(
                Unit.building == building_id, Unit.status == UnitStatus.in_construction.value)
        await audit.record(actor, "handover.milestone", "building", building_id, {
            "milestone": data.milestone.value, **{k: v.isoformat() if v else None for k, v in values.items()}})
    return await building_milestones(building_id)


async def building_milestones(building_id: int) -> list[MilestoneOut]:
    rows = await BuildingMilestone.select(
        BuildingMilestone.milestone, BuildingMilestone.planned_on, BuildingMilestone.forecast_on,
        BuildingMilestone.actual_on,
    ).where(BuildingMilestone.building == building_id)
    order = {m.value: i for i, m in enumerate(Milestone)}
    return to_schemas(sorted(rows, key=lambda r: order[r["milestone"]]), MilestoneOut)


async def _batch_row(batch_id: int) -> dict:
    rows = await DeliveryBatch.select().where(DeliveryBatch.id == batch_id)
    if not rows:
        raise NotFound("No delivery batch {id}.", field="batch_id", id=batch_id)
    return rows[0]


async def _batches(project_id: int, batch_ids: list[int] | None = None) -> list[BatchOut]:
    query = DeliveryBatch.select().where(DeliveryBatch.project == project_id).order_by(DeliveryBatch.planned_on)
    if batch_ids is not None:
        query = query.where(DeliveryBatch.id.is_in(batch_ids))
    batches = await query
    if not batches:
        return []
    ids = [b["id"] for b in batches]
    members = await BatchBuilding.select(
        BatchBuilding.batch, BatchBuilding.building, BatchBuilding.building.name.as_alias("name"),
        BatchBuilding.contractor,
    ).where(BatchBuilding.batch.is_in(ids))
    building_ids = [m["building"] for m in members] or [-1]
    milestones: dict[int, dict[Milestone, timeline.Dates]] = defaultdict(dict)
    for row in await BuildingMilestone.select().where(BuildingMilestone.building.is_in(building_ids)):
        milestones[row["building"]][Milestone(row["milestone"])] = timeline.Dates(
            row["planned_on"], row["forecast_on"], row["actual_on"])
    counts = await Unit.raw(
        "SELECT u.building AS building, COUNT(*) AS units, "
        "SUM(CASE WHEN u.status = 'handed_over' THEN 1 ELSE 0 END) AS handed, "
        "SUM(CASE WHEN a.passed_on IS NOT NULL THEN 1 ELSE 0 END) AS accepted "
        "FROM unit u LEFT JOIN unit_acceptance a ON a.unit = u.id "
        f"WHERE u.building IN ({', '.join(str(int(b)) for b in building_ids)}) GROUP BY u.building")
    per_building = {row["building"]: row for row in counts}
    today = clock.today()
    out = []
    for batch in batches:
        mine = [m for m in members if m["batch"] == batch["id"]]
        buildings = []
        for member in sorted(mine, key=lambda m: m["name"]):
            stones = milestones.get(member["building"], {})
            count = per_building.get(member["building"], {})
            buildings.append(BuildingScheduleOut(
                building_id=member["building"], name=member["name"], contractor_org_id=member["contractor"],
                delivery_on=timeline.delivery_on(stones), units=int(count.get("units") or 0),
                units_accepted=int(count.get("accepted") or 0), units_handed_over=int(count.get("handed") or 0),
                milestones=[MilestoneOut(m.value, d.planned_on, d.forecast_on, d.actual_on)
                            for m, d in sorted(stones.items(), key=lambda kv: MILESTONE_ORDER.index(kv[0]))],
            ))
        forecast = timeline.batch_forecast(milestones.get(m["building"], {}) for m in mine)
        out.append(BatchOut(
            id=batch["id"], project_id=batch["project"], name=batch["name"], planned_on=batch["planned_on"],
            forecast_on=forecast, status=batch["status"],
            slipping_days=timeline.slipping_days(batch["planned_on"], forecast),
            missing=timeline.missing_prerequisites(
                batch["planned_on"], today, {m["name"]: milestones.get(m["building"], {}) for m in mine}),
            appointments_from=batch["appointments_from"], appointments_to=batch["appointments_to"],
            units=sum(b.units for b in buildings), units_handed_over=sum(b.units_handed_over for b in buildings),
            buildings=buildings,
        ))
    return out


async def list_batches(actor: Actor, project_id: int) -> list[BatchOut]:
    check_project(actor, project_id)
    return await _batches(project_id)


async def get_batch(actor: Actor, batch_id: int) -> BatchOut:
    batch = await _batch_row(batch_id)
    if actor.role is not Role.resident:
        check_project(actor, batch["project"])
    return (await _batches(batch["project"], [batch_id]))[0]
