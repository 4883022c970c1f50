"""The rectification ledger (整改台账) as CSV, XLSX and PDF."""

from __future__ import annotations

import asyncio

from inspections.schemas import IssueOut
from inspections.services.common import printed_date, printed_moment, project_row
from inspections.services.issues import IssueFilter
from inspections.services.ledger import counts, ledger_items
from tracker import clock, spreadsheets
from tracker.accounts.actor import Actor
from tracker.documents import render

STATUS_TEXT = {"open": "待发通知", "rectifying": "整改中", "submitted": "待复查", "verified": "已销号", "void": "已作废"}
SEVERITY_TEXT = {"general": "一般", "serious": "较大", "major": "重大"}
KIND_TEXT = {"quality": "质量", "safety": "安全"}
HEADERS = ["编号", "通知单号", "部位", "类别", "类型", "严重程度", "问题描述", "责任单位", "整改期限", "状态", "轮次",
           "逾期", "发现日期", "销号日期"]
LEDGER_TEMPLATE = "inspections/print/ledger.html"


def _row(i: IssueOut) -> list:
    place = " ".join(p for p in [i.building or "", i.dwelling or "", i.part, i.location] if p)
    return [i.id, i.notice_number or "", place, i.category_name, KIND_TEXT[i.kind], SEVERITY_TEXT[i.severity],
            i.description, i.responsible_org, i.deadline.isoformat(), STATUS_TEXT[i.status], i.round,
            "是" if i.overdue else "", printed_moment(i.created_at)[:11],
            printed_moment(i.closed_at)[:11] if i.closed_at else ""]


async def export_csv(actor: Actor, project_id: int, f: IssueFilter) -> bytes:
    return spreadsheets.write_csv(HEADERS, [_row(item) for item in await ledger_items(actor, project_id, f)])


async def export_xlsx(actor: Actor, project_id: int, f: IssueFilter) -> bytes:
    rows = [_row(item) for item in await ledger_items(actor, project_id, f)]
    summary = [[c.responsible_org, STATUS_TEXT[c.status], c.count] for c in await counts(actor, project_id, f)]
    # Building the workbook is plain CPU work; a thread keeps the event loop serving meanwhile.
    return await asyncio.to_thread(
        spreadsheets.write_xlsx,
        spreadsheets.Sheet("整改台账", HEADERS, rows),
        spreadsheets.Sheet("统计", ["责任单位", "状态", "数量"], summary),
    )


async def export_pdf(actor: Actor, project_id: int, f: IssueFilter) -> bytes:
    project = await project_row(project_id)
    items = await ledger_items(actor, project_id, f)
    today = clock.today()
    context = {
        "project_name": project["name"],
        "number": f"{project['code']}-整改台账-{today.isoformat()}",
        "title": "整改台账",
        "date": printed_date(today),
        "rows": [_row(i) for i in items],
        "counts": [{"org": c.responsible_org, "status": STATUS_TEXT[c.status], "count": c.count}
                   for c in await counts(actor, project_id, f)],
    }
    return await render_ledger(context)


async def render_ledger(context: dict) -> bytes:
    """Render a ledger: template and WeasyPrint both run in a worker process, so neither holds the
    event loop (a thread still competed with it for the GIL)."""
    return await render.render_pdf(LEDGER_TEMPLATE, context)
