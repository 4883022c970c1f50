"""The rectification ledger (整改台账) and the project dashboard: filters, counts, CSV/XLSX/PDF export."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from piccolo.query.functions.aggregate import Count

from inspections import access, services
from inspections.kinds import IssueStatus, Severity
from inspections.schemas import DashboardOut, DashboardRow, LedgerCount, LedgerOut
from inspections.tables import Issue
from tracker import spreadsheets
from tracker.accounts.actor import Actor
from tracker.documents import render

EXPORT_LIMIT = 20000
STATUS_TEXT = {"open": "待发通知", "rectifying": "整改中", "submitted": "待复查", "verified": "已销号", "void": "已作废"}
SEVERITY_TEXT = {"general": "一般", "serious": "较大", "major": "重大"}
KIND_TEXT = {"quality": "质量", "safety": "安全"}
HEADERS = ["编号", "通知单号", "部位", "类别", "类型", "严重程度", "问题描述", "责任单位", "整改期限", "状态", "轮次",
           "逾期", "发现日期", "销号日期"]


async def counts(actor: Actor, project_id: int, f: services.IssueFilter) -> list[LedgerCount]:
    """Issue counts per contractor and status under the same filter (status filter aside)."""
    unfiltered = services.IssueFilter(**{**{k: getattr(f, k) for k in f.__struct_fields__}, "status": []})
    conditions = services._issue_conditions(actor, project_id, unfiltered)
    rows = await Issue.select(
        Issue.responsible_org, Issue.responsible_org.name.as_alias("org_name"), Issue.status, Count(Issue.id, alias="count")
    ).where(*conditions).group_by(Issue.responsible_org, Issue.responsible_org.name, Issue.status)
    return sorted(
        (LedgerCount(responsible_org_id=r["responsible_org"], responsible_org=r["org_name"], status=r["status"],
                     count=r["count"]) for r in rows),
        key=lambda c: (c.responsible_org, list(IssueStatus).index(c.status)),
    )


async def ledger(actor: Actor, project_id: int, f: services.IssueFilter) -> LedgerOut:
    items, total = await services.list_issues(actor, project_id, f)
    return LedgerOut(items=items, total=total, offset=f.offset, limit=f.limit,
                     counts=await counts(actor, project_id, f))


async def _all(actor: Actor, project_id: int, f: services.IssueFilter):
    f = services.IssueFilter(**{**{k: getattr(f, k) for k in f.__struct_fields__}, "offset": 0, "limit": 500})
    items = []
    while len(items) < EXPORT_LIMIT:
        page, total = await services.list_issues(actor, project_id, f)
        items.extend(page)
        if len(items) >= total or not page:
            break
        f.offset += f.limit
    return items


def _row(i) -> list:
    place = " ".join(p for p in [i.building or "", i.dwelling or "", i.part, i.location] if p)
    return [i.id, i.notice_number or "", place, i.category_name, KIND_TEXT[i.kind], SEVERITY_TEXT[i.severity],
            i.description, i.responsible_org, i.deadline.isoformat(), STATUS_TEXT[i.status], i.round,
            "是" if i.overdue else "", services._local(i.created_at)[:11],
            services._local(i.closed_at)[:11] if i.closed_at else ""]


async def export_csv(actor: Actor, project_id: int, f: services.IssueFilter) -> bytes:
    return spreadsheets.write_csv(HEADERS, [_row(item) for item in await _all(actor, project_id, f)])


async def export_xlsx(actor: Actor, project_id: int, f: services.IssueFilter) -> bytes:
    rows = [_row(item) for item in await _all(actor, project_id, f)]
    summary = [[c.responsible_org, STATUS_TEXT[c.status], c.count] for c in await counts(actor, project_id, f)]
    # Building the workbook is plain CPU work; a thread keeps the event loop serving meanwhile.
    return await asyncio.to_thread(
        spreadsheets.write_xlsx,
        spreadsheets.Sheet("整改台账", HEADERS, rows),
        spreadsheets.Sheet("统计", ["责任单位", "状态", "数量"], summary),
    )


async def export_pdf(actor: Actor, project_id: int, f: services.IssueFilter) -> bytes:
    project = await services._project(project_id)
    items = await _all(actor, project_id, f)
    context = {
        "project_name": project["name"],
        "number": f"{project['code']}-整改台账-{services.today().isoformat()}",
        "title": "整改台账",
        "date": services._cn_date(services.today()),
        "rows": [_row(i) for i in items],
        "counts": [{"org": c.responsible_org, "status": STATUS_TEXT[c.status], "count": c.count}
                   for c in await counts(actor, project_id, f)],
    }
    return await render_ledger(context)


async def render_ledger(context: dict) -> bytes:
    """Render a ledger: template and WeasyPrint both run in a worker process, so neither holds the
    event loop (a thread still competed with it for the GIL)."""
    return await render.render_pdf("inspections/ledger.html", context)


async def dashboard(actor: Actor, project_id: int) -> DashboardOut:
    """Open / overdue / closed by contractor and severity, with the stop-work status."""
    access.check_inspections(actor, project_id)
    conditions = services._issue_conditions(actor, project_id, services.IssueFilter())
    rows = await Issue.select(
        Issue.responsible_org.name.as_alias("org"), Issue.severity, Issue.status, Issue.deadline
    ).where(*conditions)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    today = services.today()
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
        stop=await services.stop_status(actor, project_id),
    )
