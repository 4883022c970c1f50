"""Read-model figures: committed, arrived, allocated, spent and transferred money per project (by
source kind, by budget line, by month) and across a portfolio of projects.

Summed by the database (grouped by kind, line or day; days folded into months here), so a figure is
the sum of the records it stands for. Transferred money is what was moved to another account and not
yet paid on: it is not spent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from funding.kinds import SourceKind, SpendingKind
from funding.schemas import Figures, KindFigures, LineFigures, MonthFigures, OverviewOut, PortfolioOut, ProjectFigures
from funding.services.common import require_project
from funding.tables import Allocation, Arrival, BudgetLine, Contribution, FundingSource, Spending
from tracker.accounts.actor import Actor
from tracker.register.tables import Project


def _int(value) -> int:
    return int(value or 0)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _marks(ids: list[int]) -> str:
    return ", ".join("{}" for _ in ids)


async def _by_kind(ids: list[int]) -> list[KindFigures]:
    sources = await FundingSource.raw(
        "SELECT kind, COUNT(*) AS sources, SUM(committed_fen) AS committed_fen, SUM(arrived_fen) AS arrived_fen, "
        f"SUM(allocated_fen) AS allocated_fen FROM funding_source WHERE project IN ({_marks(ids)}) GROUP BY kind",
        *ids)
    outflows = await FundingSource.raw(
        "SELECT s.kind AS kind, SUM(a.spent_fen) AS spent_fen, SUM(a.transferred_fen) AS transferred_fen "
        f"FROM allocation a JOIN funding_source s ON s.id = a.source WHERE a.project IN ({_marks(ids)}) "
        "GROUP BY s.kind", *ids)
    out = {r["kind"]: r for r in outflows}
    order = {k.value: i for i, k in enumerate(SourceKind)}
    return [KindFigures(kind=SourceKind(r["kind"]), sources=_int(r["sources"]), committed_fen=_int(r["committed_fen"]),
                        arrived_fen=_int(r["arrived_fen"]), allocated_fen=_int(r["allocated_fen"]),
                        spent_fen=_int(out.get(r["kind"], {}).get("spent_fen")),
                        transferred_fen=_int(out.get(r["kind"], {}).get("transferred_fen")))
            for r in sorted(sources, key=lambda r: order[r["kind"]])]


def _totals(kinds: list[KindFigures]) -> Figures:
    return Figures(committed_fen=sum(k.committed_fen for k in kinds), arrived_fen=sum(k.arrived_fen for k in kinds),
                   allocated_fen=sum(k.allocated_fen for k in kinds), spent_fen=sum(k.spent_fen for k in kinds),
                   transferred_fen=sum(k.transferred_fen for k in kinds))


async def _by_line(project_id: int) -> list[LineFigures]:
    lines = await BudgetLine.select().where(BudgetLine.project == project_id).order_by(BudgetLine.id)
    sums = {r["budget_line"]: r for r in await Allocation.raw(
        "SELECT budget_line, SUM(amount_fen) AS allocated_fen, SUM(spent_fen) AS spent_fen, "
        "SUM(transferred_fen) AS transferred_fen FROM allocation WHERE project = {} GROUP BY budget_line", project_id)}
    return [LineFigures(budget_line_id=r["id"], category=r["category"], name=r["name"], use=r["use"],
                        amount_fen=r["amount_fen"], allocated_fen=_int(sums.get(r["id"], {}).get("allocated_fen")),
                        spent_fen=_int(sums.get(r["id"], {}).get("spent_fen")),
                        transferred_fen=_int(sums.get(r["id"], {}).get("transferred_fen")))
            for r in lines]


async def _by_month(project_id: int) -> list[MonthFigures]:
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in await Arrival.raw("SELECT arrived_on AS day, SUM(amount_fen) AS n FROM arrival WHERE project = {} "
                               "GROUP BY arrived_on", project_id):
        months[_day(r["day"]).strftime("%Y-%m")][0] += _int(r["n"])
    # A payment made from a transfer moved that money out already; counting it again would double it.
    for r in await Spending.raw("SELECT spent_on AS day, kind, SUM(amount_fen) AS n FROM spending WHERE project = {} "
                                "GROUP BY spent_on, kind", project_id):
        months[_day(r["day"]).strftime("%Y-%m")][1 if r["kind"] == SpendingKind.payment.value else 2] += _int(r["n"])
    out, arrived, spent = [], 0, 0
    for month in sorted(months):
        a, s, t = months[month]
        arrived += a
        spent += s
        out.append(MonthFigures(month=month, arrived_fen=a, spent_fen=s, transferred_fen=t,
                                arrived_to_date_fen=arrived, spent_to_date_fen=spent))
    return out


async def project_overview(project_id: int) -> OverviewOut:
    """The project's figures: totals, by source kind, by budget line, by month (the chart's data)."""
    await require_project(project_id)
    kinds = await _by_kind([project_id])
    contributions = await Contribution.raw(
        "SELECT SUM(due_fen) AS due, SUM(paid_fen) AS paid FROM contribution WHERE project = {}", project_id)
    return OverviewOut(project_id=project_id, totals=_totals(kinds), by_kind=kinds,
                       by_line=await _by_line(project_id), by_month=await _by_month(project_id),
                       contributions_due_fen=_int(contributions[0]["due"]),
                       contributions_paid_fen=_int(contributions[0]["paid"]))


async def portfolio(actor: Actor) -> PortfolioOut:
    """Every project the actor may see with its figures, their totals and the totals by source kind."""
    query = Project.select(Project.id, Project.code, Project.name, Project.district).order_by(Project.id)
    if not actor.is_admin:
        if not actor.project_ids:
            return PortfolioOut(totals=Figures(), projects=[], by_kind=[])
        query = query.where(Project.id.is_in(sorted(actor.project_ids)))
    projects = await query
    ids = [p["id"] for p in projects]
    if not ids:
        return PortfolioOut(totals=Figures(), projects=[], by_kind=[])
    marks = _marks(ids)
    sources = {r["project"]: r for r in await FundingSource.raw(
        "SELECT project, SUM(committed_fen) AS committed_fen, SUM(arrived_fen) AS arrived_fen, "
        f"SUM(allocated_fen) AS allocated_fen FROM funding_source WHERE project IN ({marks}) GROUP BY project", *ids)}
    outflows = {r["project"]: r for r in await Allocation.raw(
        "SELECT project, SUM(spent_fen) AS spent_fen, SUM(transferred_fen) AS transferred_fen FROM allocation "
        f"WHERE project IN ({marks}) GROUP BY project", *ids)}
    rows = [ProjectFigures(
        project_id=p["id"], code=p["code"], name=p["name"], district=p["district"],
        committed_fen=_int(sources.get(p["id"], {}).get("committed_fen")),
        arrived_fen=_int(sources.get(p["id"], {}).get("arrived_fen")),
        allocated_fen=_int(sources.get(p["id"], {}).get("allocated_fen")),
        spent_fen=_int(outflows.get(p["id"], {}).get("spent_fen")),
        transferred_fen=_int(outflows.get(p["id"], {}).get("transferred_fen")),
    ) for p in projects]
    kinds = await _by_kind(ids)
    return PortfolioOut(totals=_totals(kinds), projects=rows, by_kind=kinds)
