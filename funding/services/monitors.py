"""Running the monitors (funding/monitors.py) over the tables and keeping their alerts.

`run_monitors(today)` reads what every detector needs in a handful of grouped queries, runs them, and
in one transaction makes `funding_alert` say exactly what was found: a finding with an open alert of
its kind and subject updates it (level, detail, last seen), a new one opens an alert, and an open
alert nobody found any more is resolved. Running it twice on the same data changes nothing the
second time but `last_seen`. The run is one audit record naming what opened, changed level and resolved.

What the detectors are fed:
- idle money: each source's arrivals up to today and the total paid to final payees out of its
  allocations (FIFO only needs the total: the oldest arrivals are the ones spent);
- 以拨代支: transfers with money not yet paid on;
- ahead of progress: each project's paid + transferred out of allocations on construction lines, its
  construction budget, and its latest progress record (the latest certified value if any, else the
  latest percentage);
- gaps: the newest saved report of this month or the last (its stored gap and deviation), else the
  figures the records give for this month;
- debt service and coverage: each bond tranche's schedule from its terms, each loan's from its terms,
  its drawdowns (the source's arrivals) and its base rates (funding/schedules.py); a project with a
  revenue forecast is self-balancing and its coverage is taken over its special bonds' schedules.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from funding import indicators, monitors
from funding.indicators import Deviation
from funding.kinds import CONSTRUCTION_USES, SpendingKind
from funding.monitors import AlertKind, Finding, Flow, GapState, Level, MonitorSettings, Progress, Transfer
from funding.report_schemas import AlertOut
from funding.report_tables import FundingAlert, FundingReport
from funding.services.report import bulk_inputs, settings as report_settings
from funding import schedules
from funding.kinds import SourceKind
from funding.tables import Arrival, BondTranche, Loan, RateReset, RevenueForecast, WorkProgress
from tracker import audit, clock
from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership
from tracker.db import transaction
from tracker.errors import Invalid, NotFound
from tracker.register.tables import Project

# The detectors this module runs; alerts of other kinds would be left as they are by a run.
CHECKED = frozenset(AlertKind)
DIGEST_ROLES = (Role.finance.value, Role.project_manager.value)


def monitor_settings() -> MonitorSettings:
    return MonitorSettings.from_env()


def _int(value) -> int:
    return int(value or 0)


async def _raw(sql: str, *args) -> list[dict]:
    return await FundingAlert.raw(sql, *args)


async def _idle(today: dt.date, s: MonitorSettings) -> list[Finding]:
    arrivals = [Flow(project=r["project"], source=r["source"], on=r["arrived_on"], amount_fen=_int(r["amount_fen"]),
                     id=r["id"])
                for r in await _raw("SELECT id, project, source, arrived_on, amount_fen FROM arrival "
                                    "WHERE arrived_on <= {}", today)]
    payments = [Flow(project=r["project"], source=r["source"], on=today, amount_fen=_int(r["paid"]))
                for r in await _raw(
                    "SELECT al.project AS project, al.source AS source, SUM(sp.amount_fen) AS paid FROM spending sp "
                    "JOIN allocation al ON al.id = sp.allocation WHERE sp.kind = {} AND sp.spent_on <= {} "
                    "GROUP BY al.project, al.source", SpendingKind.payment.value, today)]
    return monitors.idle_money(arrivals, payments, today, s)


async def _transfers(today: dt.date, s: MonitorSettings) -> list[Finding]:
    rows = await _raw("SELECT id, project, spent_on, amount_fen, onward_fen, payee FROM spending "
                      "WHERE kind = {} AND onward_fen < amount_fen", SpendingKind.transfer.value)
    return monitors.transfers_not_paid_on(
        [Transfer(id=r["id"], project=r["project"], on=r["spent_on"], amount_fen=_int(r["amount_fen"]),
                  onward_fen=_int(r["onward_fen"]), payee=r["payee"]) for r in rows], today, s)


async def _progress(today: dt.date) -> list[Finding]:
    uses = ", ".join(f"'{u.value}'" for u in sorted(CONSTRUCTION_USES))
    outflow = {r["project"]: _int(r["out"]) for r in await _raw(
        "SELECT al.project AS project, SUM(al.spent_fen + al.transferred_fen) AS out FROM allocation al "
        f"JOIN budget_line b ON b.id = al.budget_line WHERE b.use IN ({uses}) GROUP BY al.project")}
    outflow = {p: v for p, v in outflow.items() if v > 0}
    if not outflow:
        return []
    budget = {r["project"]: _int(r["total"]) for r in await _raw(
        f"SELECT project, SUM(amount_fen) AS total FROM budget_line WHERE use IN ({uses}) GROUP BY project")}
    percent: dict[int, tuple] = {}
    certified: dict[int, tuple] = {}
    for r in await WorkProgress.select().where(WorkProgress.project.is_in(list(outflow)),
                                               WorkProgress.as_of <= today).order_by(WorkProgress.as_of):
        if r["percent"] is not None:
            percent[r["project"]] = (Decimal(str(r["percent"])), r["as_of"])
        if r["certified_fen"] is not None:
            certified[r["project"]] = (_int(r["certified_fen"]), r["as_of"])
    return monitors.ahead_of_progress([
        Progress(project=p, construction_outflow_fen=out, construction_budget_fen=budget.get(p, 0),
                 percent=percent.get(p, (None, None))[0], certified_fen=certified.get(p, (None, None))[0],
                 as_of=(certified.get(p) or percent.get(p) or (None, None))[1])
        for p, out in outflow.items()
    ])


async def _gaps(today: dt.date) -> list[Finding]:
    month = today.replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    funded = [r["project"] for r in await _raw(
        "SELECT project FROM funding_source UNION SELECT project FROM budget_line")]
    if not funded:
        return []
    saved: dict[int, GapState] = {}
    for r in await FundingReport.select(
        FundingReport.project, FundingReport.month, FundingReport.gap_fen, FundingReport.deviation,
    ).where(FundingReport.project.is_in(funded), FundingReport.month >= previous, FundingReport.month <= month
            ).order_by(FundingReport.month, FundingReport.version):
        saved[r["project"]] = GapState(project=r["project"], month=r["month"], gap_fen=_int(r["gap_fen"]),
                                       deviation=Deviation(r["deviation"]) if r["deviation"] else None)
    fresh = [p for p in funded if p not in saved]
    rs = report_settings()
    for p, inputs in (await bulk_inputs(fresh, month)).items():
        fig = indicators.figures(inputs, rs)
        saved[p] = GapState(project=p, month=month, gap_fen=fig.gap_fen, deviation=fig.deviation)
    return monitors.gaps(saved.values())


def _bond_terms(row: dict) -> schedules.BondTerms:
    parts = row["principal_parts"]
    if isinstance(parts, str):
        parts = json.loads(parts)
    principal = None
    if parts:
        principal = [schedules.PrincipalPart(
            when=int(p["year"]) if "year" in p else dt.date.fromisoformat(p["date"]),
            share=Decimal(str(p["share"])) if "share" in p else None,
            amount_fen=int(p["amount_fen"]) if "amount_fen" in p else None,
        ) for p in parts]
    return schedules.BondTerms(face_fen=int(row["amount_fen"]), issue_date=row["issue_date"],
                               annual_rate=Decimal(str(row["coupon_rate"])), tenor_years=int(row["tenor_years"]),
                               frequency=row["frequency"], principal=principal)


async def debt_schedules() -> list[tuple[int, int, str, list[schedules.ScheduleRow]]]:
    """(project, source, kind, rows) of every bond tranche and every drawn loan, from the tables. Terms the
    schedules refuse (a custom table not yet matching what was drawn …) are left out: the sources' own
    pages name the fault."""
    out = []
    for row in await BondTranche.select(
        BondTranche.source, BondTranche.source.project.as_alias("project"), BondTranche.source.kind.as_alias("kind"),
        BondTranche.amount_fen, BondTranche.issue_date, BondTranche.coupon_rate, BondTranche.tenor_years,
        BondTranche.frequency, BondTranche.principal_parts,
    ):
        try:
            out.append((row["project"], row["source"], row["kind"], schedules.bond_schedule(_bond_terms(row))))
        except (Invalid, TypeError, ValueError, KeyError):
            continue
    loans = await Loan.select(Loan.id, Loan.source, Loan.source.project.as_alias("project"),
                              Loan.source.kind.as_alias("kind"), Loan.spread_bp, Loan.term_months, Loan.grace_months,
                              Loan.payment_months, Loan.method, Loan.first_payment_on, Loan.custom_schedule)
    if not loans:
        return out
    draws: dict[int, list] = defaultdict(list)
    for a in await Arrival.select(Arrival.source, Arrival.arrived_on, Arrival.amount_fen).where(
            Arrival.source.is_in([l["source"] for l in loans])).order_by(Arrival.arrived_on):
        draws[a["source"]].append(schedules.Drawdown(a["arrived_on"], int(a["amount_fen"])))
    rates: dict[int, list] = defaultdict(list)
    for r in await RateReset.select(RateReset.loan, RateReset.effective_on, RateReset.base_rate).where(
            RateReset.loan.is_in([l["id"] for l in loans])):
        rates[r["loan"]].append(schedules.RateReset(r["effective_on"], Decimal(str(r["base_rate"]))))
    for loan in loans:
        if not draws.get(loan["source"]):
            continue
        custom = loan["custom_schedule"]
        if isinstance(custom, str):
            custom = json.loads(custom)
        try:
            terms = schedules.LoanTerms(
                drawdowns=draws[loan["source"]], base_rates=rates.get(loan["id"], []), spread_bp=loan["spread_bp"],
                method=loan["method"], payment_months=loan["payment_months"], grace_months=loan["grace_months"],
                term_months=loan["term_months"], first_date=loan["first_payment_on"],
                custom=[schedules.Repayment(dt.date.fromisoformat(c["date"]), int(c["principal_fen"]))
                        for c in custom] if custom else None,
            )
            out.append((loan["project"], loan["source"], loan["kind"], schedules.loan_schedule(terms)))
        except (Invalid, TypeError, ValueError, KeyError):
            continue
    return out


async def _debt(today: dt.date, s: MonitorSettings) -> list[Finding]:
    scheduled = await debt_schedules()
    payments = [monitors.DebtPayment(project=project, source=source, due_on=row.date, principal_fen=row.principal_fen,
                                     interest_fen=row.interest_fen)
                for project, source, _, rows in scheduled for row in rows if row.note != schedules.NOTE_DRAWDOWN]
    found = monitors.debt_due(payments, today, s)
    # Self-balancing projects: those with a revenue forecast, over their special bonds' schedules.
    revenue: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    cost: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in await RevenueForecast.select(RevenueForecast.project, RevenueForecast.year, RevenueForecast.revenue_fen,
                                          RevenueForecast.cost_fen):
        revenue[r["project"]][r["year"]] += _int(r["revenue_fen"])
        cost[r["project"]][r["year"]] += _int(r["cost_fen"])
    coverages = []
    for project in sorted(revenue):
        rows = [row for p, _, kind, rs in scheduled if p == project and kind == SourceKind.special_bond.value
                for row in rs]
        if not rows:
            continue
        c = schedules.coverage(dict(revenue[project]), rows, dict(cost[project]), floor=s.coverage_floor,
                               stress_floor=s.coverage_stress_floor)
        coverages.append(monitors.Coverage(project=project, ratio=c.ratio, floor=c.floor, stress_ratio=c.stress_ratio,
                                           stress_floor=c.stress_floor, passes=c.passes, stress_passes=c.stress_passes))
    return found + monitors.coverage_below(coverages)


async def find(today: dt.date, s: MonitorSettings | None = None) -> list[Finding]:
    """Every finding of every monitor this module runs, as of `today`."""
    s = s or monitor_settings()
    return [*await _idle(today, s), *await _transfers(today, s), *await _progress(today), *await _gaps(today),
            *await _debt(today, s)]


def _detail(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


async def run_monitors(today: dt.date, s: MonitorSettings | None = None) -> dict[str, int]:
    """Run the monitors and make the open alerts match what they found (see the module docstring)."""
    findings = await find(today, s)
    now = clock.now()
    opened: list[int] = []
    changed: list[int] = []
    resolved: list[int] = []
    async with transaction():
        current = {(r["kind"], r["subject"]): r for r in await FundingAlert.select().where(
            FundingAlert.resolved_at.is_null(), FundingAlert.kind.is_in([k.value for k in CHECKED]))}
        seen = set()
        for f in findings:
            key = (f.kind.value, f.subject)
            seen.add(key)
            row = current.get(key)
            if row is None:
                new = await FundingAlert.insert(FundingAlert(
                    project=f.project, kind=f.kind.value, subject=f.subject, open_subject=f.subject,
                    level=f.level.value, detail=f.detail, first_seen=now, last_seen=now,
                )).returning(FundingAlert.id)
                opened.append(new[0]["id"])
                continue
            if row["level"] != f.level.value or _detail(row["detail"]) != f.detail:
                changed.append(row["id"])
            await FundingAlert.update({
                FundingAlert.level: f.level.value, FundingAlert.detail: f.detail, FundingAlert.last_seen: now,
            }).where(FundingAlert.id == row["id"])
        gone = [r["id"] for key, r in current.items() if key not in seen]
        if gone:
            await FundingAlert.update({FundingAlert.resolved_at: now, FundingAlert.open_subject: None}).where(
                FundingAlert.id.is_in(gone))
            resolved = gone
        if opened or changed or resolved:
            await audit.record(SYSTEM, "funding.monitors", "funding_alert", today.isoformat(), {
                "opened": opened, "changed": changed, "resolved": sorted(resolved)})
    return {"findings": len(findings), "opened": len(opened), "changed": len(changed), "resolved": len(resolved)}


async def list_alerts(actor: Actor, project_id: int | None = None, include_resolved: bool = False,
                      level: Level | None = None, kind: AlertKind | None = None) -> list[AlertOut]:
    """A project's alerts, or (no project) every alert of the projects the actor sees; open ones first
    unless `include_resolved`, alarms before warnings, newest first."""
    query = FundingAlert.select(
        FundingAlert.id, FundingAlert.project.as_alias("project_id"), FundingAlert.kind, FundingAlert.subject,
        FundingAlert.level, FundingAlert.detail, FundingAlert.first_seen, FundingAlert.last_seen,
        FundingAlert.resolved_at,
    )
    if project_id is not None:
        if not await project_exists(project_id):
            raise NotFound("Project {id} does not exist.", field="project_id", id=project_id)
        query = query.where(FundingAlert.project == project_id)
    elif not actor.is_admin:
        query = query.where(FundingAlert.project.is_in(sorted(actor.project_ids) or [0]))
    if not include_resolved:
        query = query.where(FundingAlert.resolved_at.is_null())
    if level is not None:
        query = query.where(FundingAlert.level == level.value)
    if kind is not None:
        query = query.where(FundingAlert.kind == kind.value)
    rows = await query.order_by(FundingAlert.id, ascending=False).limit(1000)
    rows.sort(key=lambda r: (r["resolved_at"] is not None, r["level"] != Level.alarm.value))
    return [AlertOut(
        id=r["id"], project_id=r["project_id"], kind=r["kind"], kind_text=monitors.KIND_TEXT[AlertKind(r["kind"])],
        subject=r["subject"], level=r["level"], level_text=monitors.LEVEL_TEXT[Level(r["level"])],
        detail=_detail(r["detail"]), first_seen=r["first_seen"], last_seen=r["last_seen"],
        resolved_at=r["resolved_at"],
    ) for r in rows]


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def alert_line(project_name: str, kind: str, level: str, detail: dict) -> str:
    """One line of the daily digest (Chinese, as the inspection digest's lines are)."""
    k = AlertKind(kind)
    head = f"【{monitors.LEVEL_TEXT[Level(level)]}】{project_name} {monitors.KIND_TEXT[k]}"
    if k is AlertKind.idle_money:
        return f"{head}：{_yuan(detail['idle_fen'])} 元自 {detail['oldest_arrival_on']} 起未支出（{detail['age_days']} 天）"
    if k is AlertKind.transfer_not_paid_on:
        return (f"{head}：拨付 {detail['payee']} 的 {_yuan(detail['not_paid_on_fen'])} 元 {detail['age_days']} 天"
                "未支付至最终收款人")
    if k is AlertKind.ahead_of_progress:
        return f"{head}：建安支出超出已完成工作量 {_yuan(detail['ahead_fen'])} 元"
    if k is AlertKind.gap_unarranged:
        return f"{head}：{detail['month'][:7]} 资金缺口 {_yuan(detail['gap_fen'])} 元未落实"
    if k is AlertKind.serious_deviation:
        return f"{head}：{detail['month'][:7]} 资金到位率与进度严重偏离"
    if k is AlertKind.debt_due:
        return (f"{head}：{detail['due_on']} 应付本金 {_yuan(detail['principal_fen'])} 元、"
                f"利息 {_yuan(detail['interest_fen'])} 元（{detail['days']} 天后）")
    if k is AlertKind.coverage_low:
        return f"{head}：本息覆盖倍数 {detail['ratio']}（下限 {detail['floor']}），压力情形 {detail['stress_ratio']}"
    return head


async def digest(today: dt.date) -> dict[int, tuple[str, list[str]]]:
    """The open alerts for the daily digest: each active finance user and project manager among a
    project's members gets its alerts (subject, lines). Read by the inspections digest through
    `tracker.plugin.digest_sources()`."""
    rows = await FundingAlert.select(
        FundingAlert.project, FundingAlert.project.name.as_alias("name"), FundingAlert.kind, FundingAlert.level,
        FundingAlert.detail,
    ).where(FundingAlert.resolved_at.is_null()).order_by(FundingAlert.project, FundingAlert.id)
    if not rows:
        return {}
    by_project: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_project[r["project"]].append(r)
    members = await Membership.select(Membership.project, Membership.user).where(
        Membership.project.is_in(list(by_project)), Membership.user.active.eq(True),
        Membership.user.role.is_in(list(DIGEST_ROLES)))
    out: dict[int, list[dict]] = defaultdict(list)
    for m in members:
        out[m["user"]] += by_project[m["project"]]
    result = {}
    for user, alerts in out.items():
        alarms = sum(1 for a in alerts if a["level"] == Level.alarm.value)
        subject = f"资金监测：{alarms} 项报警，{len(alerts) - alarms} 项预警"
        result[user] = (subject, [alert_line(a["name"], a["kind"], a["level"], _detail(a["detail"])) for a in alerts])
    return result


async def project_exists(project_id: int) -> bool:
    return bool(await Project.exists().where(Project.id == project_id))
