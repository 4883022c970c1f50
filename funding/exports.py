"""The monthly report's exports: XLSX in the indicator layout and the printed PDF (standard header,
第 x 页 / 共 y 页), and the roll-up as XLSX. Money is printed in yuan as exact Decimals (two places)
beside the integer fen the records hold; rates as percentages with two places."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from funding import indicators
from funding.report_schemas import ReportOut, RollupOut
from funding.services import report as reports
from tracker import clock, spreadsheets
from tracker.accounts.actor import Actor

CENT = Decimal("0.01")


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{(value * 100).quantize(CENT)}%"


def _fields(r: ReportOut) -> list[tuple[str, object]]:
    return [
        ("总投资（概算）（元）", yuan(r.total_investment_fen)),
        ("累计到位资金（元）", yuan(r.arrived_to_date_fen)),
        ("已落实缺口（元）", yuan(r.gap_arranged_fen)),
        ("资金缺口（元）", yuan(r.gap_fen)),
        ("缺口落实情况", r.gap_arrangement),
        ("偏离状态", r.deviation_text),
        ("资金到位率", percent(r.arrival_rate)),
        ("年度进度", percent(r.year_progress_rate)),
        ("备注", r.remarks),
    ]


def _meta(project: dict, r: ReportOut) -> list[tuple[str, object]]:
    return [
        ("项目", f"{project['code']} {project['name']}"), ("区", project["district"]),
        ("月份", r.month.strftime("%Y-%m")), ("版本", r.version), ("状态", r.status_text),
        ("填报截止", r.deadline.isoformat()), ("更正原因", r.correction_reason),
    ]


async def report_xlsx(actor: Actor, project_id: int, month) -> bytes:
    r = await reports.get_report(actor, project_id, month)
    project = await reports._project(project_id)
    rows = [[code, "　" * depth + label, yuan(fen), fen] for code, label, depth, fen in
            indicators.rows({i.code: i.amount_fen for i in r.indicators})]
    rows += [["", name, value, ""] for name, value in _fields(r)]
    return await asyncio.to_thread(
        spreadsheets.write_xlsx,
        spreadsheets.Sheet("资金月报", ["指标代码", "指标名称", "本年实际到位（元）", "金额（分）"], rows, widths=(10, 36, 20, 18)),
        spreadsheets.Sheet("填报信息", ["项目", "内容"], [[k, v] for k, v in _meta(project, r)], widths=(14, 40)),
    )


async def report_pdf(actor: Actor, project_id: int, month) -> bytes:
    from tracker.documents.render import render_pdf

    r = await reports.get_report(actor, project_id, month)
    project = await reports._project(project_id)
    context = {
        "title": "资金月报",
        "project_name": project["name"],
        "number": f"{project['code']}-资金月报-{r.month.strftime('%Y-%m')}-V{max(r.version, 1)}",
        "meta": [[k, str(v)] for k, v in _meta(project, r)],
        "rows": [[code, label, depth, f"{yuan(fen):,.2f}"] for code, label, depth, fen in
                 indicators.rows({i.code: i.amount_fen for i in r.indicators})],
        "fields": [[k, f"{v:,.2f}" if isinstance(v, Decimal) else str(v)] for k, v in _fields(r)],
        "printed": clock.today().isoformat(),
    }
    # Template and layout both run in a PDF worker process, never on the event loop.
    return await render_pdf("funding/print/monthly_report.html", context)


def _rollup_rows(out: RollupOut) -> list[list]:
    rows = []
    for row in [*out.rows, out.total]:
        rows.append([row.group or ("合计" if row is out.total else "（未填）"), row.projects, row.submitted,
                     *(yuan(row.indicators[c]) for c in (*indicators.CODES, indicators.CREDIT)),
                     yuan(row.total_investment_fen), yuan(row.arrived_to_date_fen), yuan(row.gap_arranged_fen),
                     yuan(row.gap_fen), percent(row.arrival_rate), row.serious_deviation])
    return rows


async def rollup_xlsx(actor: Actor, month, by: str) -> bytes:
    out = await reports.rollup(actor, month, by)
    header = ["区" if by == "district" else "项目类型", "项目数", "已提交",
              *(f"{c} {indicators.LABELS[c]}" for c in indicators.CODES), indicators.LABELS[indicators.CREDIT],
              "总投资（元）", "累计到位（元）", "已落实缺口（元）", "资金缺口（元）", "资金到位率", "严重偏离"]
    return await asyncio.to_thread(spreadsheets.write_xlsx, spreadsheets.Sheet("资金月报汇总", header, _rollup_rows(out)))
