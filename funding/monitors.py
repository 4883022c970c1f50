"""Detectors of what auditors look for, over plain data (no database, no Litestar).

Each detector takes rows as plain tuples/dataclasses and `today`, and returns `Finding`s; the service
(`funding/services/monitors.py`) feeds them from the tables and keeps one open `FundingAlert` per
kind and subject. Thresholds are `MonitorSettings` (defaults below, environment variables override).

- Idle money (资金闲置): per source, arrivals are consumed by payments to final payees in date order
  (FIFO: the oldest arrival is spent first; a transfer to another account is not spending). What is
  left of an arrival is unspent since that arrival's date; its age is today − arrival date in days.
  Unspent money aged `idle_warning_days` (180) or more is a warning, `idle_alarm_days` (365) or more
  an alarm. One finding per source.
- 以拨代支: a transfer with money not yet paid on to a final payee more than `transfer_days` (90)
  after it was made (day 90 is still within time, day 91 is not). One finding per transfer.
- Spending ahead of progress (超进度拨付): money paid or transferred out of allocations on construction
  lines (`CONSTRUCTION_USES`) beyond the value of work certified, or, with no certified value, beyond
  progress % × the construction budget (no progress recorded counts as 0 %). One per project.
- Gaps: a funding gap left unarranged (gap > 0), and a deviation of 严重偏离. One per project each.
- Debt service due within `debt_due_days` (30), one finding per source and payment date (within a
  week: an alarm), from each bond tranche's and loan's schedule (`funding/schedules.py`).
- Coverage below its floor: a self-balancing special-bond project (one with a revenue forecast) whose
  income covers its special bonds' principal and interest less than `coverage_floor` (1.1) times is an
  alarm; only the stress case (revenue −10 %, cost +10 %) below `coverage_stress_floor` (1.0), a warning.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from funding.indicators import Deviation


class AlertKind(StrEnum):
    idle_money = "idle_money"  # 资金闲置
    transfer_not_paid_on = "transfer_not_paid_on"  # 以拨代支
    ahead_of_progress = "ahead_of_progress"  # 超进度拨付
    gap_unarranged = "gap_unarranged"  # 资金缺口未落实
    serious_deviation = "serious_deviation"  # 严重偏离
    debt_due = "debt_due"  # 30 日内到期还本付息
    coverage_low = "coverage_low"  # 收益覆盖倍数低于下限


class Level(StrEnum):
    warning = "warning"  # 预警
    alarm = "alarm"  # 报警


KIND_TEXT = {
    AlertKind.idle_money: "资金闲置",
    AlertKind.transfer_not_paid_on: "以拨代支",
    AlertKind.ahead_of_progress: "超进度拨付",
    AlertKind.gap_unarranged: "资金缺口未落实",
    AlertKind.serious_deviation: "严重偏离",
    AlertKind.debt_due: "还本付息即将到期",
    AlertKind.coverage_low: "收益覆盖倍数不足",
}
LEVEL_TEXT = {Level.warning: "预警", Level.alarm: "报警"}


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    idle_warning_days: int = 180  # FUNDING_IDLE_WARNING_DAYS
    idle_alarm_days: int = 365  # FUNDING_IDLE_ALARM_DAYS
    transfer_days: int = 90  # FUNDING_TRANSFER_DAYS
    debt_due_days: int = 30  # FUNDING_DEBT_DUE_DAYS
    coverage_floor: Decimal = Decimal("1.1")  # FUNDING_COVERAGE_FLOOR
    coverage_stress_floor: Decimal = Decimal("1.0")  # FUNDING_COVERAGE_STRESS_FLOOR (revenue −10 %, cost +10 %)

    @classmethod
    def from_env(cls) -> MonitorSettings:
        return cls(
            idle_warning_days=int(os.environ.get("FUNDING_IDLE_WARNING_DAYS", "180")),
            idle_alarm_days=int(os.environ.get("FUNDING_IDLE_ALARM_DAYS", "365")),
            transfer_days=int(os.environ.get("FUNDING_TRANSFER_DAYS", "90")),
            debt_due_days=int(os.environ.get("FUNDING_DEBT_DUE_DAYS", "30")),
            coverage_floor=Decimal(os.environ.get("FUNDING_COVERAGE_FLOOR", "1.1")),
            coverage_stress_floor=Decimal(os.environ.get("FUNDING_COVERAGE_STRESS_FLOOR", "1.0")),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    project: int
    kind: AlertKind
    subject: str  # what the alert is about, unique within its kind: "source:12", "transfer:7", "project:3"
    level: Level
    detail: dict = field(default_factory=dict)  # plain JSON values: ints (fen), ISO dates, strings


@dataclass(frozen=True, slots=True)
class Flow:
    """An arrival into a source or a payment out of it (a payment's source is its allocation's)."""

    project: int
    source: int
    on: dt.date
    amount_fen: int
    id: int = 0  # orders flows of the same day


def idle_money(arrivals: Iterable[Flow], payments: Iterable[Flow], today: dt.date,
               settings: MonitorSettings) -> list[Finding]:
    """Unspent arrivals by age, FIFO per source (see the module's docstring)."""
    left: dict[int, list[list]] = defaultdict(list)  # source → [[date, amount left, project]] oldest first
    for a in sorted(arrivals, key=lambda f: (f.source, f.on, f.id)):
        left[a.source].append([a.on, a.amount_fen, a.project])
    for p in sorted(payments, key=lambda f: (f.source, f.on, f.id)):
        owed = p.amount_fen
        for lot in left.get(p.source, []):
            if owed == 0:
                break
            used = min(lot[1], owed)
            lot[1] -= used
            owed -= used
    findings = []
    for source, lots in sorted(left.items()):
        aged = [(on, amount) for on, amount, _ in lots if amount > 0 and (today - on).days >= settings.idle_warning_days]
        if not aged:
            continue
        oldest = min(on for on, _ in aged)
        age = (today - oldest).days
        over_alarm = sum(amount for on, amount in aged if (today - on).days >= settings.idle_alarm_days)
        findings.append(Finding(
            project=lots[0][2], kind=AlertKind.idle_money, subject=f"source:{source}",
            level=Level.alarm if over_alarm else Level.warning,
            detail={"source_id": source, "idle_fen": sum(amount for _, amount in aged), "idle_alarm_fen": over_alarm,
                    "oldest_arrival_on": oldest.isoformat(), "age_days": age},
        ))
    return findings


@dataclass(frozen=True, slots=True)
class Transfer:
    id: int
    project: int
    on: dt.date
    amount_fen: int
    onward_fen: int  # paid on to final payees so far
    payee: str = ""


def transfers_not_paid_on(transfers: Iterable[Transfer], today: dt.date, settings: MonitorSettings) -> list[Finding]:
    findings = []
    for t in sorted(transfers, key=lambda t: t.id):
        waiting = t.amount_fen - t.onward_fen
        age = (today - t.on).days
        if waiting > 0 and age > settings.transfer_days:
            findings.append(Finding(
                project=t.project, kind=AlertKind.transfer_not_paid_on, subject=f"transfer:{t.id}",
                level=Level.alarm if age > 2 * settings.transfer_days else Level.warning,
                detail={"spending_id": t.id, "transferred_on": t.on.isoformat(), "amount_fen": t.amount_fen,
                        "not_paid_on_fen": waiting, "age_days": age, "payee": t.payee},
            ))
    return findings


@dataclass(frozen=True, slots=True)
class Progress:
    project: int
    construction_outflow_fen: int  # paid and transferred out of allocations on construction lines
    construction_budget_fen: int
    percent: Decimal | None = None  # the latest recorded progress
    certified_fen: int | None = None  # the latest value of work certified
    as_of: dt.date | None = None


def progress_limit(p: Progress) -> int:
    """What may have gone out on construction by now: the certified value, else percent × budget (fen,
    half-up); nothing recorded is 0 %."""
    if p.certified_fen is not None:
        return p.certified_fen
    percent = p.percent if p.percent is not None else Decimal(0)
    return int((Decimal(p.construction_budget_fen) * Decimal(percent) / 100).quantize(Decimal(1), ROUND_HALF_UP))


def ahead_of_progress(progress: Iterable[Progress]) -> list[Finding]:
    findings = []
    for p in sorted(progress, key=lambda p: p.project):
        limit = progress_limit(p)
        if p.construction_outflow_fen > limit:
            findings.append(Finding(
                project=p.project, kind=AlertKind.ahead_of_progress, subject=f"project:{p.project}",
                level=Level.alarm,
                detail={"outflow_fen": p.construction_outflow_fen, "limit_fen": limit,
                        "ahead_fen": p.construction_outflow_fen - limit,
                        "basis": "certified" if p.certified_fen is not None else "percent",
                        "percent": None if p.percent is None else str(p.percent),
                        "as_of": None if p.as_of is None else p.as_of.isoformat()},
            ))
    return findings


@dataclass(frozen=True, slots=True)
class GapState:
    project: int
    month: dt.date
    gap_fen: int
    deviation: Deviation | None


def gaps(states: Iterable[GapState]) -> list[Finding]:
    findings = []
    for s in sorted(states, key=lambda s: s.project):
        if s.gap_fen > 0:
            findings.append(Finding(
                project=s.project, kind=AlertKind.gap_unarranged, subject=f"project:{s.project}",
                level=Level.warning, detail={"month": s.month.isoformat(), "gap_fen": s.gap_fen},
            ))
        if s.deviation is Deviation.serious:
            findings.append(Finding(
                project=s.project, kind=AlertKind.serious_deviation, subject=f"project:{s.project}",
                level=Level.alarm, detail={"month": s.month.isoformat(), "deviation": s.deviation.value},
            ))
    return findings


@dataclass(frozen=True, slots=True)
class DebtPayment:
    """One row of a bond's or loan's repayment schedule (from funding/schedules.py)."""

    project: int
    source: int
    due_on: dt.date
    principal_fen: int
    interest_fen: int


def debt_due(payments: Iterable[DebtPayment], today: dt.date, settings: MonitorSettings) -> list[Finding]:
    """Debt service falling due from today to `debt_due_days` (30) ahead, one finding per source and
    date; due within a week is an alarm."""
    findings = []
    for p in sorted(payments, key=lambda p: (p.source, p.due_on)):
        days = (p.due_on - today).days
        if 0 <= days <= settings.debt_due_days and p.principal_fen + p.interest_fen > 0:
            findings.append(Finding(
                project=p.project, kind=AlertKind.debt_due, subject=f"debt:{p.source}:{p.due_on.isoformat()}",
                level=Level.alarm if days <= 7 else Level.warning,
                detail={"source_id": p.source, "due_on": p.due_on.isoformat(), "days": days,
                        "principal_fen": p.principal_fen, "interest_fen": p.interest_fen},
            ))
    return findings


@dataclass(frozen=True, slots=True)
class Coverage:
    """A self-balancing project's coverage (revenue ÷ principal and interest over the life), in the base
    case and the stress case, against their floors (funding/schedules.py computes them)."""

    project: int
    ratio: Decimal | None
    floor: Decimal
    stress_ratio: Decimal | None = None
    stress_floor: Decimal = Decimal("1.0")
    # The exact verdicts where known (funding.schedules.coverage compares unrounded figures; the ratios
    # above are rounded to four places for showing).
    passes: bool | None = None
    stress_passes: bool | None = None


def coverage_below(coverages: Iterable[Coverage]) -> list[Finding]:
    """Coverage below its floor is an alarm; only the stress case below its floor, a warning."""
    findings = []
    for c in sorted(coverages, key=lambda c: c.project):
        base = (not c.passes) if c.passes is not None else (c.ratio is not None and c.ratio < c.floor)
        stress = ((not c.stress_passes) if c.stress_passes is not None
                  else (c.stress_ratio is not None and c.stress_ratio < c.stress_floor))
        if base or stress:
            findings.append(Finding(
                project=c.project, kind=AlertKind.coverage_low, subject=f"project:{c.project}",
                level=Level.alarm if base else Level.warning,
                detail={"ratio": None if c.ratio is None else str(c.ratio), "floor": str(c.floor),
                        "stress_ratio": None if c.stress_ratio is None else str(c.stress_ratio),
                        "stress_floor": str(c.stress_floor)},
            ))
    return findings
