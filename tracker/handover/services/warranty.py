"""Warranty claims after handover: classified in or out of warranty from the building's completion
acceptance, and, in warranty, routed into the inspection loop as a defect report on the unit (an
inspector accepts it into an issue addressed to the building's contractor)."""

from __future__ import annotations

import dataclasses

from inspections import services as inspections
from inspections.schemas import ReportIn
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import NotFound
from tracker.handover import warranty
from tracker.handover.kinds import Milestone
from tracker.handover.schemas import ClaimIn, ClaimOut
from tracker.handover.services.common import check_own_or_member, check_project
from tracker.handover.tables import BatchBuilding, BuildingMilestone, Selection, Unit, WarrantyClaim
from tracker.i18n import gettext
from tracker.rows import to_schemas

_COLUMNS = (
    WarrantyClaim.id, WarrantyClaim.unit.as_alias("unit_id"), WarrantyClaim.part, WarrantyClaim.description,
    WarrantyClaim.reported_on, WarrantyClaim.in_warranty, WarrantyClaim.reason,
    WarrantyClaim.contractor.as_alias("contractor_org_id"), WarrantyClaim.report.as_alias("report_id"),
    WarrantyClaim.at_handover,
)


async def _unit(unit_id: int) -> dict:
    rows = await Unit.select(Unit.id, Unit.project, Unit.building, Unit.dwelling).where(Unit.id == unit_id)
    if not rows:
        raise NotFound("No unit {id}.", field="unit_id", id=unit_id)
    return rows[0]


async def _household_of(unit_id: int) -> int | None:
    rows = await Selection.select(Selection.entitlement.household.as_alias("household")).where(
        Selection.unit == unit_id)
    return rows[0]["household"] if rows else None


async def report_claim(actor: Actor, unit_id: int, data: ClaimIn, *, at_handover: bool = False) -> ClaimOut:
    """A defect of a handed-over unit, reported by its household or by staff."""
    unit = await _unit(unit_id)
    check_own_or_member(actor, await _household_of(unit_id), unit["project"])
    completed = await BuildingMilestone.select(BuildingMilestone.actual_on).where(
        BuildingMilestone.building == unit["building"],
        BuildingMilestone.milestone == Milestone.completion_accepted.value)
    today = clock.today()
    verdict = warranty.classify(data.part, completed[0]["actual_on"] if completed else None, today)
    contractor = await BatchBuilding.select(BatchBuilding.contractor).where(BatchBuilding.building == unit["building"])
    contractor_id = contractor[0]["contractor"] if contractor else None
    params = {**verdict.params, "part": gettext(data.part.value)} if "part" in verdict.params else verdict.params
    reason = gettext(verdict.reason).format(**params)
    async with transaction():
        report_id = None
        if verdict.in_warranty:
            # The household reports in the project of its new home, whichever project it was signed in.
            reporter = dataclasses.replace(actor, project_ids=actor.project_ids | {unit["project"]})
            report = await inspections.report_defect(reporter, unit["project"], ReportIn(
                description=data.description, building_id=unit["building"], dwelling_id=unit["dwelling"],
                location=data.part.value))
            report_id = report.id
        claim_id = (await WarrantyClaim.insert(WarrantyClaim(
            project=unit["project"], unit=unit_id, part=data.part.value, description=data.description,
            reported_on=today, in_warranty=verdict.in_warranty, reason=reason, contractor=contractor_id,
            report=report_id, at_handover=at_handover,
        )).returning(WarrantyClaim.id))[0]["id"]
        await audit.record(actor, "handover.warranty_claim", "unit", unit_id, {
            "part": data.part.value, "in_warranty": verdict.in_warranty, "last_day": verdict.last_day.isoformat(),
            "report_id": report_id})
    return (await _claims(WarrantyClaim.id == claim_id))[0]


async def _claims(*where) -> list[ClaimOut]:
    return to_schemas(await WarrantyClaim.select(*_COLUMNS).where(*where).order_by(WarrantyClaim.id), ClaimOut)


async def unit_claims(actor: Actor, unit_id: int) -> list[ClaimOut]:
    unit = await _unit(unit_id)
    check_own_or_member(actor, await _household_of(unit_id), unit["project"])
    return await _claims(WarrantyClaim.unit == unit_id)


async def contractor_ledger(actor: Actor, project_id: int, contractor_org_id: int) -> list[ClaimOut]:
    """The warranty ledger of one contractor in a project (the retention release looks at it)."""
    check_project(actor, project_id)
    return await _claims(WarrantyClaim.project == project_id, WarrantyClaim.contractor == contractor_org_id)
