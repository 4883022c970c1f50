"""The quality gate's facts, read from the inspection loop (read-only): stop-work orders in force and
unverified major issues of the contract's contractor on its scope, and issues rejected twice.

One query per kind, each narrowed first by the indexed contractor column (`issue.responsible_org`,
and for the major issues the partial index this app's migration adds), so a contractor with 10,000
issues answers in a few milliseconds (bench/certificate_pdf.py measures it).
"""

from __future__ import annotations

from funding.payments.gate import REJECTIONS_TO_FLAG, Findings
from funding.payments.tables import ContractBuilding
from inspections.kinds import IssueStatus, Severity, StopScope, StopStatus
from inspections.tables import Issue, StopWorkOrder
from tracker import clock

OPEN = [IssueStatus.open.value, IssueStatus.rectifying.value, IssueStatus.submitted.value]


def _on_scope(column, buildings: list[int]):
    """On one of the contract's buildings, or on no particular building (the whole works)."""
    return column.is_null() | column.is_in(buildings) if buildings else column.is_null()


async def findings(contract: dict) -> Findings:
    buildings = [r["building"] for r in await ContractBuilding.select(ContractBuilding.building).where(
        ContractBuilding.contract == contract["id"])]
    orders = await StopWorkOrder.select(StopWorkOrder.number_text).where(
        StopWorkOrder.project == contract["project"],
        StopWorkOrder.addressed_org == contract["contractor_org"],
        StopWorkOrder.status == StopStatus.in_force.value,
        (StopWorkOrder.scope == StopScope.project.value) | _on_scope(StopWorkOrder.building, buildings),
    ).order_by(StopWorkOrder.number_text)
    majors = await Issue.select(Issue.id).where(
        Issue.responsible_org == contract["contractor_org"], Issue.project == contract["project"],
        Issue.severity == Severity.major.value, Issue.status.is_in(OPEN), _on_scope(Issue.building, buildings),
    ).order_by(Issue.id)
    rejected = await Issue.select(Issue.id).where(
        Issue.responsible_org == contract["contractor_org"], Issue.project == contract["project"],
        Issue.rejections >= REJECTIONS_TO_FLAG, Issue.status != IssueStatus.void.value,
        _on_scope(Issue.building, buildings),
    ).order_by(Issue.id)
    return Findings(stop_orders=[o["number_text"] for o in orders], major_issues=[i["id"] for i in majors],
                    rejected_twice=[i["id"] for i in rejected])


async def warranty_defects(contract: dict, since) -> list[int]:
    """Unverified issues of the contractor on the contract's scope raised after completion (保修期缺陷)."""
    buildings = [r["building"] for r in await ContractBuilding.select(ContractBuilding.building).where(
        ContractBuilding.contract == contract["id"])]
    rows = await Issue.select(Issue.id).where(
        Issue.responsible_org == contract["contractor_org"], Issue.project == contract["project"],
        Issue.status.is_in(OPEN), _on_scope(Issue.building, buildings), Issue.created_at >= clock.day_start(since),
    ).order_by(Issue.id)
    return [r["id"] for r in rows]
