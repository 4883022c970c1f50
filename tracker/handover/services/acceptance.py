"""分户验收: nine items per unit, checked by the supervising engineer with the builder and the owner.

A failed item opens an issue of the inspection loop (addressed to the building's contractor) and
counts as passed once that issue is verified; a unit passes when all nine do. A building's 竣工验收
cannot be recorded while any of its units has not passed (`units_not_passed`).
"""

from __future__ import annotations

import datetime as dt

from inspections import services as inspections
from inspections.kinds import IssueKind, IssueStatus
from inspections.schemas import IssueIn
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.handover.kinds import AcceptanceItem, ItemResult
from tracker.handover.schemas import AcceptanceOut, CheckIn, CheckOut
from tracker.handover.services.common import check_project
from tracker.handover.tables import AcceptanceCheck, BatchBuilding, Unit, UnitAcceptance
from tracker.rows import to_schemas

# An item counts as passed when recorded so, or when the issue its failure opened is verified.
_PASSED = f"(c.result = 'passed' OR (c.result = 'failed' AND i.status = '{IssueStatus.verified.value}'))"


async def _unit(unit_id: int) -> dict:
    rows = await Unit.select(Unit.id, Unit.project, Unit.building, Unit.dwelling,
                             Unit.dwelling.number.as_alias("number")).where(Unit.id == unit_id)
    if not rows:
        raise NotFound("No unit {id}.", field="unit_id", id=unit_id)
    return rows[0]


async def _acceptance_id(unit_id: int) -> int:
    """The unit's acceptance record, with its nine pending items, made on first use."""
    rows = await UnitAcceptance.select(UnitAcceptance.id).where(UnitAcceptance.unit == unit_id)
    if rows:
        return rows[0]["id"]
    acceptance = (await UnitAcceptance.insert(UnitAcceptance(unit=unit_id)).returning(UnitAcceptance.id))[0]["id"]
    await AcceptanceCheck.insert(*[AcceptanceCheck(acceptance=acceptance, item=int(item)) for item in AcceptanceItem])
    return acceptance


async def record_check(actor: Actor, unit_id: int, data: CheckIn) -> AcceptanceOut:
    """Record one item's result. A failure files an issue on the unit for the building's contractor."""
    unit = await _unit(unit_id)
    check_project(actor, unit["project"])
    async with transaction():
        acceptance = await _acceptance_id(unit_id)
        issue_id = None
        if data.result is ItemResult.failed:
            if not data.note.strip():
                raise Invalid("Describe what failed.", field="note", rule="required")
            if not data.category:
                raise Invalid("Choose the defect category of the failed item.", field="category", rule="required")
            contractor = await BatchBuilding.select(BatchBuilding.contractor).where(
                BatchBuilding.building == unit["building"])
            if not contractor or contractor[0]["contractor"] is None:
                raise Conflict("Name the building's contractor before recording a failed item.",
                               field="building_id", rule="contractor_required")
            issue = await inspections.file_issue(actor, unit["project"], IssueIn(
                kind=IssueKind.quality, category=data.category, severity=data.severity,
                description=data.note,
                responsible_org_id=contractor[0]["contractor"],
                deadline=data.deadline or clock.today() + dt.timedelta(days=7),
                building_id=unit["building"], dwelling_id=unit["dwelling"], part=data.part,
            ))
            issue_id = issue.id
        elif data.result is ItemResult.pending:
            raise Invalid("Record the item as passed or failed.", field="result", rule="choice")
        await AcceptanceCheck.update({
            AcceptanceCheck.result: data.result.value, AcceptanceCheck.note: data.note,
            AcceptanceCheck.issue: issue_id, AcceptanceCheck.checked_by: actor.id,
            AcceptanceCheck.checked_at: clock.now(),
        }).where(AcceptanceCheck.acceptance == acceptance, AcceptanceCheck.item == int(data.item))
        result = await _acceptance(unit_id)
        if result.passed and result.passed_on is None:
            await UnitAcceptance.update({UnitAcceptance.passed_on: clock.today()}).where(
                UnitAcceptance.id == acceptance)
        await audit.record(actor, "handover.acceptance_check", "unit", unit_id, {
            "item": int(data.item), "result": data.result.value, "note": data.note, "issue_id": issue_id,
        })
    return await get_acceptance(actor, unit_id)


async def _acceptance(unit_id: int) -> AcceptanceOut:
    rows = await AcceptanceCheck.raw(
        "SELECT c.item AS item, c.result AS result, c.note AS note, c.issue AS issue_id, "
        f"i.status AS issue_status, CASE WHEN {_PASSED} THEN 'passed' ELSE c.result END AS effective "
        "FROM acceptance_check c JOIN unit_acceptance a ON a.id = c.acceptance "
        "LEFT JOIN issue i ON i.id = c.issue WHERE a.unit = {} ORDER BY c.item", unit_id)
    passed_on = await UnitAcceptance.select(UnitAcceptance.passed_on).where(UnitAcceptance.unit == unit_id)
    checks = to_schemas(rows, CheckOut)
    passed = len(checks) == len(AcceptanceItem) and all(c.effective == ItemResult.passed.value for c in checks)
    return AcceptanceOut(unit_id=unit_id, passed=passed, passed_on=passed_on[0]["passed_on"] if passed_on else None,
                         checks=checks)


async def get_acceptance(actor: Actor, unit_id: int) -> AcceptanceOut:
    unit = await _unit(unit_id)
    check_project(actor, unit["project"])
    return await _acceptance(unit_id)


async def units_not_passed(building_id: int) -> list[str]:
    """The numbers of the building's units whose acceptance has not passed, in number order."""
    rows = await Unit.raw(
        "SELECT d.number AS number FROM unit u JOIN dwelling d ON d.id = u.dwelling "
        "LEFT JOIN unit_acceptance a ON a.unit = u.id WHERE u.building = {} AND ("
        f"SELECT COALESCE(SUM(CASE WHEN {_PASSED} THEN 1 ELSE 0 END), 0) FROM acceptance_check c "
        f"LEFT JOIN issue i ON i.id = c.issue WHERE c.acceptance = a.id) < {len(AcceptanceItem)} "
        "ORDER BY d.number", building_id)
    return [row["number"] for row in rows]

