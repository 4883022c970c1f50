"""The monthly report's indicator tree and rates, and the monitors' detectors at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding import indicators, monitors
from funding.indicators import Deviation, Inputs, ReportSettings
from funding.kinds import SourceKind
from funding.monitors import AlertKind, Flow, GapState, Level, MonitorSettings, Progress, Transfer

TODAY = dt.date(2026, 6, 30)
S = MonitorSettings()


def test_tree_sums_each_kind_into_its_branch_and_keeps_credit_apart():
    amounts = {kind.value: (i + 1) * 100 for i, kind in enumerate(SourceKind)}
    fig = indicators.by_indicator(amounts)
    a = {k: amounts[k.value] for k in SourceKind}
    assert fig["107"] == a[SourceKind.central_budget]
    assert fig["106"] == sum(a[k] for k in (SourceKind.central_budget, SourceKind.central_subsidy,
                                           SourceKind.treasury_bond, SourceKind.ultra_long_bond))
    assert fig["105"] == fig["106"] + fig["111"] + fig["112"] + fig["113"] + fig["114"]
    assert fig["115"] == a[SourceKind.owner_unit] + a[SourceKind.operator] + a[SourceKind.resident]
    assert fig["120"] == a[SourceKind.maintenance_fund] + a[SourceKind.other]
    assert fig["104"] == fig["105"] + fig["115"] + fig["120"]
    assert fig["credit"] == a[SourceKind.policy_loan] + a[SourceKind.policy_instrument]
    assert fig["104"] + fig["credit"] == sum(amounts.values())


def test_deadline_is_the_third_of_next_month_and_configurable():
    assert indicators.deadline(dt.date(2026, 12, 1), ReportSettings()) == dt.date(2027, 1, 3)
    assert indicators.deadline(dt.date(2026, 1, 1), ReportSettings(deadline_day=31)) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(("arrived", "percent", "expected"), [
    (50, "50", Deviation.normal), (50, "59.99", Deviation.normal), (50, "60", Deviation.deviating),
    (50, "69.99", Deviation.deviating), (50, "70", Deviation.serious), (70, "50", Deviation.serious),
])
def test_deviation_thresholds(arrived, percent, expected):
    inputs = Inputs(this_year_by_kind={}, arrived_to_date_fen=arrived, committed_fen=arrived,
                    total_investment_fen=100, construction_budget_fen=100, progress_percent=Decimal(percent))
    fig = indicators.figures(inputs, ReportSettings())
    assert fig.arrival_rate == Decimal(arrived) / 100
    assert fig.deviation is expected


def test_gap_is_investment_less_arrived_less_arranged_never_negative():
    inputs = Inputs(this_year_by_kind={}, arrived_to_date_fen=600, committed_fen=800, total_investment_fen=1000,
                    construction_budget_fen=500, certified_fen=250)
    fig = indicators.figures(inputs, ReportSettings())
    assert (fig.gap_arranged_fen, fig.gap_fen) == (200, 200)
    assert fig.year_progress_rate == Decimal("0.5")  # certified ÷ construction budget
    assert indicators.figures(inputs, ReportSettings(), arranged_fen=900).gap_fen == 0


def _arrival(source, days_ago, amount, i=0):
    return Flow(project=1, source=source, on=TODAY - dt.timedelta(days=days_ago), amount_fen=amount, id=i)


@pytest.mark.parametrize(("age", "level"), [(179, None), (180, Level.warning), (364, Level.warning),
                                             (365, Level.alarm)])
def test_idle_money_by_age(age, level):
    found = monitors.idle_money([_arrival(1, age, 100)], [], TODAY, S)
    assert [f.level for f in found] == ([level] if level else [])


def test_idle_money_is_fifo_the_oldest_arrival_is_spent_first():
    arrivals = [_arrival(1, 400, 100, 1), _arrival(1, 200, 100, 2), _arrival(1, 10, 100, 3)]
    spent = [Flow(project=1, source=1, on=TODAY, amount_fen=150)]
    [found] = monitors.idle_money(arrivals, spent, TODAY, S)
    # 100 of the 400-day arrival and 50 of the 200-day one are spent; 50 idle for 200 days, a warning.
    assert (found.level, found.detail["idle_fen"], found.detail["age_days"]) == (Level.warning, 50, 200)
    assert monitors.idle_money(arrivals, [Flow(1, 1, TODAY, 200)], TODAY, S) == []
    # Another source's payment does not spend this one's money.
    assert monitors.idle_money(arrivals, [Flow(1, 2, TODAY, 300)], TODAY, S)[0].level is Level.alarm


@pytest.mark.parametrize(("age", "onward", "fires"), [(90, 0, False), (91, 0, True), (91, 100, False),
                                                      (91, 99, True)])
def test_transfer_not_paid_on_after_ninety_days(age, onward, fires):
    t = Transfer(id=7, project=1, on=TODAY - dt.timedelta(days=age), amount_fen=100, onward_fen=onward)
    found = monitors.transfers_not_paid_on([t], TODAY, S)
    assert bool(found) is fires
    if fires:
        assert found[0].subject == "transfer:7" and found[0].detail["not_paid_on_fen"] == 100 - onward


def test_spending_ahead_of_progress_by_certified_value_else_percent():
    assert monitors.ahead_of_progress([Progress(1, 500, 1000, percent=Decimal(50))]) == []
    assert monitors.ahead_of_progress([Progress(1, 501, 1000, percent=Decimal(50))])[0].detail["ahead_fen"] == 1
    # A certified value wins over the percentage.
    assert monitors.ahead_of_progress([Progress(1, 501, 1000, percent=Decimal(90), certified_fen=500)])
    assert monitors.ahead_of_progress([Progress(1, 501, 1000, percent=Decimal(10), certified_fen=501)]) == []
    # Nothing recorded counts as no progress.
    assert monitors.ahead_of_progress([Progress(1, 1, 1000)])


def test_gaps_unarranged_and_serious_deviation():
    m = dt.date(2026, 6, 1)
    found = monitors.gaps([GapState(1, m, 0, Deviation.deviating), GapState(2, m, 1, Deviation.serious)])
    assert [(f.project, f.kind) for f in found] == [(2, AlertKind.gap_unarranged), (2, AlertKind.serious_deviation)]


@pytest.mark.parametrize(("days", "level"), [(-1, None), (0, Level.alarm), (7, Level.alarm), (8, Level.warning),
                                             (30, Level.warning), (31, None)])
def test_debt_due_within_thirty_days(days, level):
    p = monitors.DebtPayment(project=1, source=4, due_on=TODAY + dt.timedelta(days=days), principal_fen=0,
                             interest_fen=10)
    assert [f.level for f in monitors.debt_due([p], TODAY, S)] == ([level] if level else [])


def test_coverage_below_floor_base_and_stress():
    ok = monitors.Coverage(1, Decimal("1.10"), Decimal("1.1"), Decimal("1.00"))
    assert monitors.coverage_below([ok]) == []
    [base] = monitors.coverage_below([monitors.Coverage(1, Decimal("1.09"), Decimal("1.1"), Decimal("1.2"))])
    [stress] = monitors.coverage_below([monitors.Coverage(1, Decimal("1.2"), Decimal("1.1"), Decimal("0.99"))])
    assert (base.level, stress.level) == (Level.alarm, Level.warning)
