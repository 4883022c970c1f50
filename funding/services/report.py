"""The monthly funding report (资金月报): prefill from the records, save a draft, submit, correct; and
roll-ups by district and by programme.

A month without a saved report is pending (待填报) and shows the figures the records give. Saving
creates or updates the draft (待提交): only gap arranged, its description and remarks are finance's to
write; every figure is taken afresh from the records each time. Submitting (已提交) freezes the figures
as they are at that moment; a submitted version never changes (409 `report_submitted`). A correction
adds the next version as a draft, with its reason, to be submitted in turn. Definitions of the figures
are in funding/indicators.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from funding import indicators
from funding.indicators import CODES, CREDIT, Deviation, Inputs, ReportSettings, ReportStatus
from funding.kinds import CONSTRUCTION_USES, INDICATOR
from funding.report_schemas import CorrectionIn, IndicatorOut, ReportDraftIn, ReportOut, RollupOut, RollupRow
from funding.report_tables import FundingReport
from funding.tables import WorkProgress
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.tables import Project

COLUMN = {**{code: f"i{code}_fen" for code in CODES}, CREDIT: "credit_fen"}
GROUPINGS = {"district": "district", "programme": "kind"}  # roll-up → project column


def settings() -> ReportSettings:
    return ReportSettings.from_env()


def parse_month(text: str) -> dt.date:
    """`YYYY-MM` (or any date in the month) → the month's first day; 422 naming `month` otherwise."""
    try:
        month = dt.date(int(text[:4]), int(text[5:7]), 1) if len(text) == 7 else dt.date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise Invalid("The month must be written YYYY-MM.", field="month", rule="month_format") from None
    if not 1990 <= month.year <= 2100:
        raise Invalid("The month must lie between 1990 and 2100.", field="month", rule="month_range")
    return month


def _int(value) -> int:
    return int(value or 0)


def _in(column: str, ids: list[int]) -> str:
    return f"{column} IN ({', '.join(str(int(i)) for i in ids)})"


async def _raw(sql: str, *args) -> list[dict]:
    return await FundingReport.raw(sql, *args)


async def bulk_inputs(project_ids: list[int], month: dt.date) -> dict[int, Inputs]:
    """What the records say about each project as of the month's last day: four grouped queries,
    whatever the number of projects."""
    if not project_ids:
        return {}
    end = indicators.month_end(month)
    year_start = dt.date(month.year, 1, 1)
    scope = _in("project", project_ids)
    this_year: dict[int, dict[str, int]] = defaultdict(dict)
    to_date: dict[int, int] = defaultdict(int)
    for r in await _raw(
        "SELECT a.project AS project, s.kind AS kind, "
        "SUM(CASE WHEN a.arrived_on >= {} THEN a.amount_fen ELSE 0 END) AS this_year, SUM(a.amount_fen) AS to_date "
        f"FROM arrival a JOIN funding_source s ON s.id = a.source WHERE a.{scope} AND a.arrived_on <= {{}} "
        "GROUP BY a.project, s.kind", year_start, end,
    ):
        this_year[r["project"]][r["kind"]] = _int(r["this_year"])
        to_date[r["project"]] += _int(r["to_date"])
    committed = {r["project"]: _int(r["committed"]) for r in await _raw(
        f"SELECT project, SUM(committed_fen) AS committed FROM funding_source WHERE {scope} AND approved_on <= {{}} "
        "GROUP BY project", end)}
    uses = ", ".join(f"'{u.value}'" for u in sorted(CONSTRUCTION_USES))
    budget = {r["project"]: (_int(r["total"]), _int(r["construction"])) for r in await _raw(
        f"SELECT project, SUM(amount_fen) AS total, SUM(CASE WHEN use IN ({uses}) THEN amount_fen ELSE 0 END) "
        f"AS construction FROM budget_line WHERE {scope} GROUP BY project")}
    progress: dict[int, dict] = {}
    for r in await WorkProgress.select(
        WorkProgress.project, WorkProgress.as_of, WorkProgress.percent, WorkProgress.certified_fen,
    ).where(WorkProgress.project.is_in(project_ids), WorkProgress.as_of <= end).order_by(WorkProgress.as_of):
        progress[r["project"]] = r  # the latest as of the month's end wins
    out = {}
    for p in project_ids:
        total, construction = budget.get(p, (0, 0))
        latest = progress.get(p, {})
        percent = latest.get("percent")
        out[p] = Inputs(
            this_year_by_kind=this_year.get(p, {}), arrived_to_date_fen=to_date.get(p, 0),
            committed_fen=committed.get(p, 0), total_investment_fen=total, construction_budget_fen=construction,
            progress_percent=None if percent is None else Decimal(str(percent)),
            certified_fen=latest.get("certified_fen"),
        )
    return out


async def _project(project_id: int) -> dict:
    rows = await Project.select(Project.id, Project.code, Project.name, Project.district, Project.kind).where(
        Project.id == project_id)
    if not rows:
        raise NotFound("Project {id} does not exist.", field="project_id", id=project_id)
    return rows[0]


async def _versions(project_id: int, month: dt.date) -> list[dict]:
    return await FundingReport.select().where(
        FundingReport.project == project_id, FundingReport.month == month).order_by(FundingReport.version)


def _figure_columns(fig: indicators.Figures) -> dict:
    return {
        **{COLUMN[code]: amount for code, amount in fig.indicators.items()},
        "total_investment_fen": fig.total_investment_fen, "arrived_to_date_fen": fig.arrived_to_date_fen,
        "gap_fen": fig.gap_fen, "gap_arranged_fen": fig.gap_arranged_fen,
        "deviation": None if fig.deviation is None else fig.deviation.value,
        "arrival_rate": fig.arrival_rate, "year_progress_rate": fig.year_progress_rate,
    }


def _out(project_id: int, month: dt.date, row: dict, versions: int) -> ReportOut:
    status = ReportStatus(row["status"])
    deadline = row["deadline"]
    submitted_at = row.get("submitted_at")
    deviation = row.get("deviation")
    return ReportOut(
        project_id=project_id, month=month, version=row.get("version", 0), status=status.value,
        status_text=indicators.STATUS_TEXT[status],
        indicators=[IndicatorOut(code=c, label=label, depth=depth, amount_fen=_int(row[COLUMN[c]]))
                    for c, label, depth, _ in indicators.rows({})],
        total_investment_fen=_int(row["total_investment_fen"]), arrived_to_date_fen=_int(row["arrived_to_date_fen"]),
        gap_fen=_int(row["gap_fen"]), gap_arranged_fen=_int(row["gap_arranged_fen"]),
        gap_arrangement=row.get("gap_arrangement", ""), remarks=row.get("remarks", ""),
        deviation=deviation, deviation_text=indicators.DEVIATION_TEXT[Deviation(deviation)] if deviation else "",
        arrival_rate=None if row["arrival_rate"] is None else Decimal(str(row["arrival_rate"])),
        year_progress_rate=None if row["year_progress_rate"] is None else Decimal(str(row["year_progress_rate"])),
        deadline=deadline,
        overdue=status is not ReportStatus.submitted and clock.today() > deadline,
        late=submitted_at is not None and clock.day_of(submitted_at) > deadline,
        submitted_at=submitted_at, submitted_by=row.get("submitted_by"),
        correction_reason=row.get("correction_reason", ""), versions=versions,
    )


async def _live(project_id: int, month: dt.date, arranged: int | None) -> dict:
    inputs = (await bulk_inputs([project_id], month))[project_id]
    return _figure_columns(indicators.figures(inputs, settings(), arranged))


async def get_report(actor: Actor, project_id: int, month: dt.date) -> ReportOut:
    """The month's report as it stands: the submitted version as frozen, a draft with its figures taken
    afresh from the records, or (nothing saved yet) the prefilled report, pending."""
    await _project(project_id)
    versions = await _versions(project_id, month)
    if versions and versions[-1]["status"] == ReportStatus.submitted.value:
        return _out(project_id, month, versions[-1], len(versions))
    if versions:
        draft = versions[-1]
        return _out(project_id, month, {**draft, **await _live(project_id, month, draft["gap_arranged_fen"])},
                    len(versions))
    row = {"status": ReportStatus.pending.value, "version": 0, "deadline": indicators.deadline(month, settings()),
           **await _live(project_id, month, None)}
    return _out(project_id, month, row, 0)


async def list_versions(actor: Actor, project_id: int, month: dt.date) -> list[ReportOut]:
    """Every saved version of the month, oldest first (submitted ones as frozen)."""
    await _project(project_id)
    versions = await _versions(project_id, month)
    return [_out(project_id, month, v, len(versions)) for v in versions]


def _check_month(month: dt.date) -> None:
    if month > clock.today().replace(day=1):
        raise Invalid("The report of a month that has not begun cannot be filled yet.", field="month",
                      rule="month_not_begun")


def _refuse_submitted(version: dict) -> None:
    raise Conflict("Version {version} of this report was submitted and can no longer change; file a correction.",
                   field="status", rule="report_submitted", version=version["version"])


async def _write_draft(actor: Actor, project_id: int, month: dt.date, data: ReportDraftIn | CorrectionIn,
                       latest: dict | None, version: int, reason: str = "") -> dict:
    """Insert or update the draft `version` with finance's fields and the records' figures."""
    keep = latest or {}
    # Once a version is saved its gap arranged is finance's figure (they saw the prefilled one and kept it).
    arranged = data.gap_arranged_fen if data.gap_arranged_fen is not None else keep.get("gap_arranged_fen")
    values = {
        **await _live(project_id, month, arranged),
        "gap_arrangement": data.gap_arrangement if data.gap_arrangement is not None else keep.get("gap_arrangement", ""),
        "remarks": data.remarks if data.remarks is not None else keep.get("remarks", ""),
        "prefilled_at": clock.now(),
    }
    if latest is not None and latest["version"] == version:
        updated = await FundingReport.update(values).where(
            FundingReport.id == latest["id"], FundingReport.status == ReportStatus.draft.value,
        ).returning(FundingReport.id)
        if not updated:  # submitted meanwhile
            _refuse_submitted(latest)
        return (await FundingReport.select().where(FundingReport.id == latest["id"]))[0]
    row = FundingReport(project=project_id, month=month, version=version, status=ReportStatus.draft.value,
                        deadline=indicators.deadline(month, settings()), correction_reason=reason, **values)
    new_id = (await FundingReport.insert(row).returning(FundingReport.id))[0]["id"]
    return (await FundingReport.select().where(FundingReport.id == new_id))[0]


def _payload(row: dict) -> dict:
    return {"project_id": row["project"], "month": row["month"].isoformat(), "version": row["version"],
            "status": row["status"], "i104_fen": row["i104_fen"], "credit_fen": row["credit_fen"],
            "gap_fen": row["gap_fen"], "gap_arranged_fen": row["gap_arranged_fen"],
            "correction_reason": row["correction_reason"]}


async def _draft_of_open_version(actor: Actor, project_id: int, month: dt.date,
                                 data: ReportDraftIn) -> tuple[dict, list[dict]]:
    """Within the caller's transaction: the month's open version written with `data` (a submitted one is
    refused: it is corrected, not edited); returns its row and the month's versions before the write."""
    await _project(project_id)
    versions = await _versions(project_id, month)
    latest = versions[-1] if versions else None
    if latest is not None and latest["status"] == ReportStatus.submitted.value:
        _refuse_submitted(latest)
    row = await _write_draft(actor, project_id, month, data, latest, latest["version"] if latest else 1)
    return row, versions


async def save_draft(actor: Actor, project_id: int, month: dt.date, data: ReportDraftIn) -> ReportOut:
    """Save what finance filled in (待提交); the figures are the records' as of now."""
    _check_month(month)
    async with transaction():
        row, versions = await _draft_of_open_version(actor, project_id, month, data)
        await audit.record(actor, "funding.report_draft", "funding_report", row["id"], _payload(row))
    return _out(project_id, month, row, max(len(versions), 1))


async def submit_report(actor: Actor, project_id: int, month: dt.date, data: ReportDraftIn | None = None) -> ReportOut:
    """Submit (已提交): the figures are frozen as the records give them now; the version is locked."""
    _check_month(month)
    async with transaction():
        row, versions = await _draft_of_open_version(actor, project_id, month, data or ReportDraftIn())
        now = clock.now()
        await FundingReport.update({
            FundingReport.status: ReportStatus.submitted.value, FundingReport.submitted_at: now,
            FundingReport.submitted_by: actor.id,
        }).where(FundingReport.id == row["id"], FundingReport.status == ReportStatus.draft.value)
        row = (await FundingReport.select().where(FundingReport.id == row["id"]))[0]
        await audit.record(actor, "funding.report_submit", "funding_report", row["id"], _payload(row))
    return _out(project_id, month, row, max(len(versions), 1))


async def correct_report(actor: Actor, project_id: int, month: dt.date, data: CorrectionIn) -> ReportOut:
    """Open a correction: the next version, a draft carrying its reason and the figures afresh."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("Say why the report is corrected.", field="reason", rule="correction_reason_required")
    async with transaction():
        await _project(project_id)
        versions = await _versions(project_id, month)
        latest = versions[-1] if versions else None
        if latest is None or latest["status"] != ReportStatus.submitted.value:
            raise Conflict("Only a submitted report is corrected; a draft is edited as it is.", field="status",
                           rule="report_not_submitted")
        row = await _write_draft(actor, project_id, month, data, latest, latest["version"] + 1, reason)
        await audit.record(actor, "funding.report_correct", "funding_report", row["id"], _payload(row))
    return _out(project_id, month, row, len(versions) + 1)


# ---------------------------------------------------------------- roll-ups

@dataclass
class _Sum:
    projects: int = 0
    submitted: int = 0
    leaves: dict | None = None
    total: int = 0
    arrived: int = 0
    arranged: int = 0
    gap: int = 0
    serious: int = 0

    def __post_init__(self):
        self.leaves = defaultdict(int)


def _scope(actor: Actor, column: str) -> str:
    if actor.is_admin:
        return ""
    return " AND " + (_in(column, sorted(actor.project_ids)) if actor.project_ids else "1 = 0")


async def rollup(actor: Actor, month: dt.date, by: str) -> RollupOut:
    """The month's reports summed by district or by programme (Project.kind) over the projects the actor
    sees: each project's latest submitted version, or, where none is submitted, the figures its records
    give (drafts' own gap arranged is not used). Two aggregate queries whatever the number of projects."""
    if by not in GROUPINGS:
        raise Invalid("Roll up by district or by programme.", field="by", rule="rollup_grouping")
    column = GROUPINGS[by]
    end = indicators.month_end(month)
    year_start = dt.date(month.year, 1, 1)
    scope = _scope(actor, "p.id")
    sums: dict[str, _Sum] = defaultdict(_Sum)
    leaf_columns = ", ".join(f"SUM(r.{COLUMN[c]}) AS {COLUMN[c]}" for c in (*indicators.LEAVES, CREDIT))
    submitted = await _raw(
        f"SELECT p.{column} AS grp, COUNT(*) AS n, {leaf_columns}, SUM(r.total_investment_fen) AS total, "
        "SUM(r.arrived_to_date_fen) AS arrived, SUM(r.gap_arranged_fen) AS arranged, SUM(r.gap_fen) AS gap, "
        "SUM(CASE WHEN r.deviation = 'serious' THEN 1 ELSE 0 END) AS serious "
        "FROM funding_report r JOIN project p ON p.id = r.project "
        "WHERE r.month = {} AND r.status = 'submitted' AND r.version = (SELECT MAX(r2.version) FROM funding_report r2 "
        "WHERE r2.project = r.project AND r2.month = r.month AND r2.status = 'submitted')" + scope +
        f" GROUP BY p.{column}", month)
    for r in submitted:
        s = sums[r["grp"] or ""]
        s.projects += _int(r["n"])
        s.submitted += _int(r["n"])
        for c in (*indicators.LEAVES, CREDIT):
            s.leaves[c] += _int(r[COLUMN[c]])
        s.total += _int(r["total"])
        s.arrived += _int(r["arrived"])
        s.arranged += _int(r["arranged"])
        s.gap += _int(r["gap"])
        s.serious += _int(r["serious"])
    # The projects without a submitted report: per-project figures from the records (arranged =
    # committed not yet arrived, gap clamped at 0 per project, as the prefilled report does), summed.
    records = await _raw(
        "WITH o AS (SELECT p.id AS id, p." + column + " AS grp FROM project p WHERE NOT EXISTS ("
        "SELECT 1 FROM funding_report r WHERE r.project = p.id AND r.month = {} AND r.status = 'submitted')" + scope
        + "), arr AS (SELECT a.project AS project, SUM(a.amount_fen) AS to_date FROM arrival a JOIN o ON o.id = a.project "
        "WHERE a.arrived_on <= {} GROUP BY a.project), "
        "bud AS (SELECT b.project AS project, SUM(b.amount_fen) AS total FROM budget_line b JOIN o ON o.id = b.project "
        "GROUP BY b.project), "
        "com AS (SELECT s.project AS project, SUM(s.committed_fen) AS committed FROM funding_source s "
        "JOIN o ON o.id = s.project WHERE s.approved_on <= {} GROUP BY s.project), "
        "per AS (SELECT o.grp AS grp, COALESCE(bud.total, 0) AS total, COALESCE(arr.to_date, 0) AS to_date, "
        "CASE WHEN COALESCE(com.committed, 0) > COALESCE(arr.to_date, 0) "
        "THEN COALESCE(com.committed, 0) - COALESCE(arr.to_date, 0) ELSE 0 END AS arranged "
        "FROM o LEFT JOIN bud ON bud.project = o.id LEFT JOIN arr ON arr.project = o.id "
        "LEFT JOIN com ON com.project = o.id) "
        "SELECT grp, 'project' AS part, '' AS kind, COUNT(*) AS n, SUM(total) AS a, SUM(to_date) AS b, "
        "SUM(arranged) AS c, SUM(CASE WHEN total - to_date - arranged > 0 THEN total - to_date - arranged ELSE 0 END) "
        "AS d FROM per GROUP BY grp "
        "UNION ALL SELECT o.grp, 'arrival', s.kind, 0, "
        "SUM(CASE WHEN a.arrived_on >= {} THEN a.amount_fen ELSE 0 END), 0, 0, 0 "
        "FROM arrival a JOIN o ON o.id = a.project JOIN funding_source s ON s.id = a.source "
        "WHERE a.arrived_on <= {} GROUP BY o.grp, s.kind",
        month, end, end, year_start, end)
    for r in records:
        s = sums[r["grp"] or ""]
        if r["part"] == "project":
            s.projects += _int(r["n"])
            s.total += _int(r["a"])
            s.arrived += _int(r["b"])
            s.arranged += _int(r["c"])
            s.gap += _int(r["d"])
        else:
            s.leaves[INDICATOR[r["kind"]]] += _int(r["a"])
    rows = [_rollup_row(group, s) for group, s in sorted(sums.items())]
    total = _Sum()
    for s in sums.values():
        total.projects += s.projects
        total.submitted += s.submitted
        for c, v in s.leaves.items():
            total.leaves[c] += v
        total.total += s.total
        total.arrived += s.arrived
        total.arranged += s.arranged
        total.gap += s.gap
        total.serious += s.serious
    return RollupOut(month=month, by=by, rows=rows, total=_rollup_row("", total))


def _rollup_row(group: str, s: _Sum) -> RollupRow:
    return RollupRow(
        group=group, projects=s.projects, submitted=s.submitted, indicators=indicators.roll_up(s.leaves),
        total_investment_fen=s.total, arrived_to_date_fen=s.arrived, gap_arranged_fen=s.arranged, gap_fen=s.gap,
        arrival_rate=indicators.rate(s.arrived, s.total), serious_deviation=s.serious,
    )
