"""Funding's files: the monthly report's exports (XLSX in the indicator layout and the printed PDF with
the standard header and 第 x 页 / 共 y 页, the roll-up as XLSX; money in yuan as exact Decimals beside the
integer fen, rates as percentages with two places); every funding table as CSV and as one workbook and
the repayment schedules (integer fen); and the XLSX/CSV import of sources with their tranches and of
spending history.

Exports write through `tracker.spreadsheets` (formula-safe cells). Imports read files as the roll import
does (`tracker.register.rollfile.read_sheet`: the same size, row and zip-bomb limits) and are
all-or-nothing: every bad row is named by row, column and reason in one 422, and nothing is written
unless every row is good.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal

import anyio.to_thread
import msgspec

from funding import indicators
from funding.kinds import BOND_KINDS, SourceKind, SpendingKind
from funding.report_schemas import ReportOut, RollupOut
from funding.schemas import ImportReport, SourceIn, SpendingIn
from funding.services import repayments
from funding.services import report as reports
from funding.services.common import require_project
from funding.services.sources import check_source, insert_source
from funding.services.spending import spend
from funding.tables import (
    Allocation,
    Arrival,
    BondTranche,
    BudgetLine,
    Contribution,
    FundingSource,
    ItemShare,
    Loan,
    RateReset,
    RevenueForecast,
    Spending,
    WorkProgress,
)
from tracker import audit, clock, spreadsheets
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import DomainError, Invalid
from tracker.register.rollfile import Problem, RowError, read_sheet
from tracker.spreadsheets import Sheet, write_csv, write_xlsx

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


# ---------------------------------------------------------------- export

# Sheet name → (select columns aliased to the header, ordering); every table of the project's funding.
TABLES: dict[str, tuple[type, tuple, object]] = {
    "sources": (FundingSource, (
        FundingSource.id, FundingSource.kind, FundingSource.name, FundingSource.reference, FundingSource.central_mode,
        FundingSource.committed_fen, FundingSource.arrived_fen, FundingSource.allocated_fen,
        FundingSource.allowed_uses, FundingSource.approved_on, FundingSource.available_until, FundingSource.note,
    ), FundingSource.project),
    "tranches": (BondTranche, (
        BondTranche.source.as_alias("source_id"), BondTranche.bond_code, BondTranche.issue_date,
        BondTranche.amount_fen, BondTranche.coupon_rate, BondTranche.tenor_years, BondTranche.frequency,
        BondTranche.principal_parts, BondTranche.capital_share,
    ), BondTranche.source.project),
    "loans": (Loan, (
        Loan.source.as_alias("source_id"), Loan.lender, Loan.facility_fen, Loan.spread_bp, Loan.term_months,
        Loan.grace_months, Loan.payment_months, Loan.method, Loan.first_payment_on, Loan.custom_schedule,
    ), Loan.source.project),
    "rate_resets": (RateReset, (
        RateReset.loan.source.as_alias("source_id"), RateReset.effective_on, RateReset.base_rate,
    ), RateReset.loan.source.project),
    "arrivals": (Arrival, (
        Arrival.id, Arrival.source.as_alias("source_id"), Arrival.arrived_on, Arrival.amount_fen, Arrival.voucher_no,
        Arrival.note,
    ), Arrival.project),
    "budget_lines": (BudgetLine, (
        BudgetLine.id, BudgetLine.category, BudgetLine.name, BudgetLine.use, BudgetLine.amount_fen,
    ), BudgetLine.project),
    "allocations": (Allocation, (
        Allocation.id, Allocation.source.as_alias("source_id"), Allocation.budget_line.as_alias("budget_line_id"),
        Allocation.amount_fen, Allocation.spent_fen, Allocation.transferred_fen, Allocation.allocated_on,
        Allocation.note,
    ), Allocation.project),
    "spending": (Spending, (
        Spending.id, Spending.allocation.as_alias("allocation_id"), Spending.allocation.source.as_alias("source_id"),
        Spending.allocation.budget_line.name.as_alias("budget_line"), Spending.kind, Spending.spent_on,
        Spending.amount_fen, Spending.payee, Spending.voucher_no, Spending.purpose,
        Spending.from_transfer.as_alias("from_transfer_id"), Spending.onward_fen,
    ), Spending.project),
    "progress": (WorkProgress, (
        WorkProgress.as_of, WorkProgress.percent, WorkProgress.certified_fen,
    ), WorkProgress.project),
    "forecasts": (RevenueForecast, (
        RevenueForecast.year, RevenueForecast.item, RevenueForecast.revenue_fen, RevenueForecast.cost_fen,
    ), RevenueForecast.project),
    "item_shares": (ItemShare, (
        ItemShare.item.as_alias("item_id"), ItemShare.item.description.as_alias("item"), ItemShare.basis,
        ItemShare.rate_fen,
    ), ItemShare.project),
    "contributions": (Contribution, (
        Contribution.id, Contribution.household.certificate_no.as_alias("certificate_no"),
        Contribution.item.as_alias("item_id"), Contribution.due_fen, Contribution.paid_fen, Contribution.status,
        Contribution.last_paid_on,
    ), Contribution.project),
}


def _header(column) -> str:
    return column._meta.get_default_alias() if not getattr(column, "_alias", None) else column._alias


def _cell(value: object) -> object:
    if isinstance(value, list | dict):
        return ", ".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) \
            else json.dumps(value, ensure_ascii=False)
    return value


async def _table_rows(project_id: int, name: str) -> tuple[list[str], list[list[object]]]:
    table, columns, project = TABLES[name]
    rows = await table.select(*columns).where(project == project_id).order_by(table._meta.primary_key) \
        .output(load_json=True)
    header = [_header(c) for c in columns]
    return header, [[_cell(row[h]) for h in header] for row in rows]


async def export_table(project_id: int, name: str) -> bytes:
    if name not in TABLES:
        raise Invalid("Unknown funding table {name} (known: {known}).", field="table", rule="table_known", name=name,
                      known=", ".join(TABLES))
    await require_project(project_id)
    header, rows = await _table_rows(project_id, name)
    return await anyio.to_thread.run_sync(write_csv, header, rows)


async def export_workbook(project_id: int) -> bytes:
    await require_project(project_id)
    sheets = [Sheet(name, *(await _table_rows(project_id, name))) for name in TABLES]
    return await anyio.to_thread.run_sync(lambda: write_xlsx(*sheets))


# ---------------------------------------------------------------- repayment schedules

SCHEDULE_HEADER = ["date", "note", "rate", "drawn_fen", "interest_fen", "principal_fen", "payment_fen", "balance_fen"]
YEAR_HEADER = ["year", "interest_fen", "principal_fen", "debt_service_fen"]


def _schedule_rows(schedule) -> list[list[object]]:
    return [[r.date, r.note, r.rate, r.drawn_fen, r.interest_fen, r.principal_fen, r.payment_fen, r.balance_fen]
            for r in schedule.rows]


def _year_rows(years) -> list[list[object]]:
    return [[y.year, y.interest_fen, y.principal_fen, y.debt_service_fen] for y in years]


async def schedule_file(source_id: int, fmt: str) -> bytes:
    """A tranche's or loan's schedule as CSV (its rows) or XLSX (its rows and its totals per year)."""
    schedule = await repayments.source_schedule(source_id)
    if fmt == "csv":
        return await anyio.to_thread.run_sync(write_csv, SCHEDULE_HEADER, _schedule_rows(schedule))
    return await anyio.to_thread.run_sync(lambda: write_xlsx(
        Sheet("schedule", SCHEDULE_HEADER, _schedule_rows(schedule)),
        Sheet("years", YEAR_HEADER, _year_rows(schedule.years))))


async def debt_service_file(project_id: int, fmt: str) -> bytes:
    """The project's bonds' and loans' interest and principal per year, as CSV or XLSX."""
    service = await repayments.debt_service(project_id)
    if fmt == "csv":
        return await anyio.to_thread.run_sync(write_csv, YEAR_HEADER, _year_rows(service.years))
    return await anyio.to_thread.run_sync(lambda: write_xlsx(Sheet("years", YEAR_HEADER, _year_rows(service.years))))


# ---------------------------------------------------------------- import


class RowsRejected(Invalid):
    """A file with bad rows: nothing was imported, and every bad cell is named (row, column, reason)."""

    def __init__(self, problems: list[Problem], detail: str | None = None, **params: object):
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        if detail is None:
            detail = "Rows with errors: {count}. Nothing was imported."
            params = {"count": len({p.row for p in problems})}
        super().__init__(detail, field="file", rule="import_rows", **params)
        self.errors = [p.worded() for p in self.problems]
        self.body = {"errors": [msgspec.structs.asdict(e) for e in self.errors]}

    def translated_errors(self, gettext: Callable[[str], str]) -> list[RowError]:
        return [p.worded(gettext) for p in self.problems]


SOURCE_COLUMNS = ("kind", "name", "reference", "committed_fen", "approved_on", "allowed_uses", "central_mode",
                  "available_until", "note", "bond_code", "issue_date", "coupon_rate", "tenor_years", "frequency",
                  "capital_share")
SOURCE_REQUIRED = ("kind", "name", "reference", "committed_fen", "approved_on")
TRANCHE_COLUMNS = ("bond_code", "issue_date", "coupon_rate", "tenor_years", "frequency", "capital_share")
SPENDING_COLUMNS = ("source_reference", "source_kind", "budget_line", "kind", "spent_on", "amount_fen", "payee",
                    "voucher_no", "purpose", "from_voucher_no")
SPENDING_REQUIRED = ("source_reference", "budget_line", "spent_on", "amount_fen", "payee", "voucher_no", "purpose")

_PATH = re.compile(r"at `\$((?:\.\w+|\[\d+\])*)`")
_MISSING = re.compile(r"missing required field `(\w+)`")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00$")


def _columns(header: list[str], known: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    problems = []
    for position, text in enumerate(header):
        key = text.strip().casefold()
        if key in known:
            if key in index:
                problems.append(Problem(1, key, "The column appears more than once in the header."))
            index.setdefault(key, position)
    problems += [Problem(1, key, "This required column is missing from the header.")
                 for key in required if key not in index]
    if problems:
        raise RowsRejected(problems)
    return index


def _values(cells: list[str], index: dict[str, int]) -> dict[str, str]:
    values = {}
    for key, position in index.items():
        text = cells[position] if position < len(cells) else ""
        if text:
            midnight = _MIDNIGHT.match(text)
            values[key] = midnight.group(1) if midnight else text
    return values


def _convert(row: int, raw: dict, schema: type, problems: list[Problem]):
    try:
        return msgspec.convert(raw, schema, strict=False)
    except msgspec.ValidationError as exc:
        match, missing = _PATH.search(str(exc)), _MISSING.search(str(exc))
        column = missing.group(1) if missing else (
            match.group(1).split(".")[-1] if match and match.group(1) else "file")
        problems.append(Problem(row, re.sub(r"\[\d+\]$", "", column), "{reason}",
                                {"reason": _PATH.sub("", str(exc)).strip(" -")}))
    except DomainError as exc:
        problems.append(Problem(row, exc.field or "file", exc.template, dict(exc.params)))
    return None


def _source_in(row: int, values: dict[str, str], problems: list[Problem]) -> SourceIn | None:
    raw: dict[str, object] = {k: v for k, v in values.items() if k not in TRANCHE_COLUMNS}
    if "allowed_uses" in raw:
        raw["allowed_uses"] = [u for u in re.split(r"[\s,;，、]+", str(raw["allowed_uses"])) if u]
    tranche = {k: v for k, v in values.items() if k in TRANCHE_COLUMNS}
    if values.get("kind") in {k.value for k in BOND_KINDS} or tranche:
        raw["tranche"] = tranche
    if values.get("kind") in {SourceKind.policy_loan.value, SourceKind.policy_instrument.value}:
        problems.append(Problem(row, "kind", "Loans are entered one by one with their terms, not imported."))
        return None
    data = _convert(row, raw, SourceIn, problems)
    if data is None:
        return None
    try:
        check_source(data)
    except DomainError as exc:
        problems.append(Problem(row, exc.field or "file", exc.template, dict(exc.params)))
        return None
    return data


async def import_sources(actor: Actor, project_id: int, data: bytes, filename: str) -> ImportReport:
    """Sources (with bond tranches) from a file with the `sources` export's column names: all or none."""
    await require_project(project_id)
    sheet = await anyio.to_thread.run_sync(read_sheet, data, filename)
    index = _columns(sheet.header, SOURCE_COLUMNS, SOURCE_REQUIRED)
    problems: list[Problem] = []
    checked: list[tuple[int, SourceIn]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        source = _source_in(number, _values(cells, index), problems)
        if source is None:
            continue
        key = (source.kind.value, source.reference)
        if key in seen:
            problems.append(Problem(number, "reference", "Row {row} has the same kind and reference.",
                                    {"row": seen[key]}))
            continue
        seen[key] = number
        checked.append((number, source))
    async with transaction():
        existing = {(r["kind"], r["reference"]) for r in await FundingSource.select(
            FundingSource.kind, FundingSource.reference).where(FundingSource.project == project_id)}
        problems += [Problem(number, "reference", "A source of this kind and reference already exists in the project.")
                     for number, source in checked if (source.kind.value, source.reference) in existing]
        if problems:
            raise RowsRejected(problems)
        for _, source in checked:
            await insert_source(project_id, source, check_source(source))
        report = ImportReport(imported=len(checked))
        await audit.record(actor, "funding.import.sources", "project", project_id, {
            "file": filename, "sha256": hashlib.sha256(data).hexdigest(), "imported": report.imported})
    return report


async def import_spending(actor: Actor, project_id: int, data: bytes, filename: str) -> ImportReport:
    """Spending history: each row names its allocation by source reference (and kind, where references
    repeat) and budget line name; a payment on a transfer names the transfer's voucher. All or none."""
    await require_project(project_id)
    sheet = await anyio.to_thread.run_sync(read_sheet, data, filename)
    index = _columns(sheet.header, SPENDING_COLUMNS, SPENDING_REQUIRED)
    problems: list[Problem] = []
    async with transaction():
        allocations: dict[tuple[str, str], list[dict]] = {}
        for a in await Allocation.select(Allocation.id, Allocation.source.reference.as_alias("reference"),
                                         Allocation.source.kind.as_alias("kind"),
                                         Allocation.budget_line.name.as_alias("line")) \
                .where(Allocation.project == project_id):
            allocations.setdefault((a["reference"], a["line"]), []).append(a)
        vouchers = {r["voucher_no"]: r for r in await Spending.select(Spending.id, Spending.voucher_no, Spending.kind)
                    .where(Spending.project == project_id)}
        imported = 0
        for number, cells in sheet.rows:
            values = _values(cells, index)
            found = allocations.get((values.get("source_reference", ""), values.get("budget_line", "")), [])
            if values.get("source_kind"):
                found = [a for a in found if a["kind"] == values["source_kind"]]
            if len(found) != 1:
                problems.append(Problem(number, "source_reference", "No allocation of this source to this budget line."
                                        if not found else "Several sources have this reference; give source_kind."))
                continue
            raw = {k: v for k, v in values.items() if k in {"kind", "spent_on", "amount_fen", "payee", "voucher_no",
                                                             "purpose"}}
            spending = _convert(number, raw, SpendingIn, problems)
            if spending is None:
                continue
            if spending.voucher_no in vouchers:
                problems.append(Problem(number, "voucher_no", "Voucher {voucher_no} is already recorded.",
                                        {"voucher_no": spending.voucher_no}))
                continue
            transfer = None
            if values.get("from_voucher_no"):
                transfer = vouchers.get(values["from_voucher_no"])
                if transfer is None or transfer["kind"] != SpendingKind.transfer.value:
                    problems.append(Problem(number, "from_voucher_no", "No transfer with this voucher number."))
                    continue
            try:
                spending_id = await spend(
                    actor, allocation_id=found[0]["id"], kind=spending.kind, amount_fen=spending.amount_fen,
                    spent_on=spending.spent_on, payee=spending.payee, voucher_no=spending.voucher_no,
                    purpose=spending.purpose, from_transfer_id=transfer["id"] if transfer else None)
            except DomainError as exc:
                # The refused row wrote nothing (its conditional update matched no row): the next rows go on
                # being checked, and the transaction is rolled back at the end.
                problems.append(Problem(number, exc.field or "file", exc.template, dict(exc.params)))
                continue
            vouchers[spending.voucher_no] = {"id": spending_id, "voucher_no": spending.voucher_no,
                                             "kind": spending.kind.value}
            imported += 1
        if problems:
            raise RowsRejected(problems)
        await audit.record(actor, "funding.import.spending", "project", project_id, {
            "file": filename, "sha256": hashlib.sha256(data).hexdigest(), "imported": imported})
    return ImportReport(imported=imported)
