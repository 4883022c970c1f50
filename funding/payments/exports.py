"""The contract payments ledger as CSV, XLSX (formula-safe, tracker/spreadsheets.py) and PDF."""

from __future__ import annotations

from funding.payments import services
from tracker import spreadsheets
from tracker.accounts.actor import Actor
from tracker.documents import render

HEADERS = ["付款日期", "合同编号", "施工单位", "支付证书", "款项", "金额（元）", "凭证号"]


def _rows(payments) -> list[list[object]]:
    return [[p.paid_on, p.contract_code, p.contractor_name, p.certificate_number or "",
             "进度款" if p.certificate_id else "质保金返还", _yuan(p.amount_fen), p.voucher_no] for p in payments]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


async def ledger(actor: Actor, project_id: int, fmt: str) -> tuple[bytes, str]:
    payments = await services.project_payments(actor, project_id)
    rows = _rows(payments)
    if fmt == "csv":
        return spreadsheets.write_csv(HEADERS, rows), spreadsheets.CSV_TYPE
    if fmt == "xlsx":
        return spreadsheets.write_xlsx(spreadsheets.Sheet("工程款支付台账", HEADERS, rows)), spreadsheets.XLSX_TYPE
    total = sum(p.amount_fen for p in payments)
    pdf = await render.render_pdf("payments/print/ledger.html", {
        "title": "工程款支付台账", "number": f"P{project_id}-ZFTZ", "project_name": "", "verify_url": "",
        "headers": HEADERS, "rows": [[str(c) for c in r] for r in rows], "total": _yuan(total)})
    return pdf, "application/pdf"
