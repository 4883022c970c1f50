"""The rectification ledger (整改台账) and the project dashboard: filtered issues with their counts."""

from __future__ import annotations

from collections import defaultdict

from piccolo.query.functions.aggregate import Count

from inspections import access
from inspections.kinds import IssueStatus, Severity
from inspections.schemas import DashboardOut, DashboardRow, IssueOut, LedgerCount, LedgerOut
from inspections.services.issues import IssueFilter, issue_conditions, list_issues
from inspections.services.stopwork import stop_status
from inspections.tables import Issue
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.rows import to_schemas

EXPORT_LIMIT = 20000


def _refilter(f: IssueFilter, **changes) -> IssueFilter:
    return IssueFilter(**{**{k: getattr(f, k) for k in f.__struct_fields__}, **changes})


async def counts(actor: Actor, project_id: int, f: IssueFilter) -> list[LedgerCount]:
    """Issue counts per contractor and status under the same filter (status filter aside)."""
    conditions = issue_conditions(actor, project_id, _refilter(f, status=[]))
    rows = await Issue.select(
        Issue.responsible_org.as_alias("responsible_org_id"), Issue.responsible_org.name.as_alias("responsible_org"),
        Issue.status, Count(Issue.id, alias="count"),
    ).where(*conditions).group_by(Issue.responsible_org, Issue.responsible_org.name, Issue.status)
    return sorted(to_schemas(rows, LedgerCount),
                  key=lambda c: (c.responsible_org, list(IssueStatus).index(c.status)))


async def ledger(actor: Actor, project_id: int, f: IssueFilter) -> LedgerOut:
    items, total = await list_issues(actor, project_id, f)
    return LedgerOut(items=items, total=total, offset=f.offset, limit=f.limit,
                     counts=await counts(actor, project_id, f))


async def ledger_items(actor: Actor, project_id: int, f: IssueFilter) -> list[IssueOut]:
    """Every issue under the filter, up to EXPORT_LIMIT, for the exports."""
    f = _refilter(f, offset=0, limit=500)
    items: list[IssueOut] = []
    while len(items) < EXPORT_LIMIT:
        page, total = await list_issues(actor, project_id, f)
        items.extend(page)
        if len(items) >= total or not page:
            break
        f.offset += f.limit
    return items


async def dashboard(actor: Actor, project_id: int) -> DashboardOut:
    """Open / overdue / closed by contractor and severity, with the stop-work status."""
    access.check_inspections(actor, project_id)
    conditions = issue_conditions(actor, project_id, IssueFilter())
    rows = await Issue.select(
        Issue.responsible_org.name.as_alias("org"), Issue.severity, Issue.status, Issue.deadline
    ).where(*conditions)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    today = clock.today()
    for r in rows:
        cell = table[(r["org"], r["severity"])]
        if r["status"] == IssueStatus.verified:
            cell[2] += 1
        elif r["status"] != IssueStatus.void:
            cell[0] += 1
            if r["deadline"] < today:
                cell[1] += 1
    order = list(Severity)
    return DashboardOut(
        project_id=project_id,
        rows=[DashboardRow(responsible_org=org, severity=sev, open=c[0], overdue=c[1], closed=c[2])
              for (org, sev), c in sorted(table.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1])))],
        stop=await stop_status(actor, project_id),
    )
