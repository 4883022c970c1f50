"""The monitors on constructed histories: each alert opens exactly when it should, re-runs change
nothing, an alert resolves when its cause is gone; the daily job runs once and feeds the digest."""

from __future__ import annotations

import datetime as dt

import pytest

from funding import services
from funding.jobs import jobs as funding_jobs
from funding.kinds import SourceKind, SpendingKind
from funding.report_schemas import ReportDraftIn
from funding.report_tables import FundingAlert
from funding.tables import Arrival, FundingSource
from funding.services import monitors
from tests.integration.funding import history as h
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.audit.tables import AuditRecord
from tracker.jobs import run_job

TODAY = dt.date(2026, 6, 30)


def _ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


async def _open() -> dict[tuple[str, str], dict]:
    return {(r["kind"], r["subject"]): r for r in await FundingAlert.select().where(FundingAlert.resolved_at.is_null())}


async def _balanced(project: int) -> None:
    """A budget the sources cover, so the gap monitors stay quiet unless a test wants them."""
    await h.line(project, 1)


@pytest.mark.parametrize(("age", "level"), [(179, None), (180, "warning"), (364, "warning"), (365, "alarm")])
async def test_idle_money_at_its_boundary_days(world, age, level):
    await _balanced(world.project)
    sid = await h.source(world.project, SourceKind.special_bond, 1_000, [(_ago(age), 1_000)])
    await services.run_monitors(TODAY)
    found = (await _open()).get(("idle_money", f"source:{sid}"))
    assert (found and found["level"]) == (level or None)


async def test_idle_money_spent_fifo_and_resolved_when_spent(world):
    line = await h.line(world.project, 10_000)
    sid = await h.source(world.project, SourceKind.local_budget, 3_000, [(_ago(400), 1_000), (_ago(200), 1_000),
                                                                         (_ago(10), 1_000)])
    allocation = await h.allocate(world.project, sid, line, 3_000)
    await h.pay(world.project, allocation, _ago(5), 1_500)  # spends the oldest and half the next
    await h.pay(world.project, allocation, _ago(5), 500, kind=SpendingKind.transfer)  # not spending
    await h.progress(world.project, TODAY, percent="100")
    summary = await services.run_monitors(TODAY)
    alert = (await _open())[("idle_money", f"source:{sid}")]
    assert alert["level"] == "warning" and summary["opened"] >= 1
    detail = monitors._detail(alert["detail"])
    assert (detail["idle_fen"], detail["age_days"]) == (500, 200)
    # The same data again: nothing opens, changes or resolves; the alert is the same row.
    again = await services.run_monitors(TODAY)
    assert (again["opened"], again["changed"], again["resolved"]) == (0, 0, 0)
    assert (await _open())[("idle_money", f"source:{sid}")]["id"] == alert["id"]
    await h.pay(world.project, allocation, _ago(1), 500)
    after = await services.run_monitors(TODAY)
    assert after["resolved"] == 1 and ("idle_money", f"source:{sid}") not in await _open()
    resolved = (await FundingAlert.select().where(FundingAlert.id == alert["id"]))[0]
    assert resolved["resolved_at"] is not None and resolved["open_subject"] is None
    # Money of the same source idle again opens a new alert beside the resolved one.
    await FundingSource.update({FundingSource.committed_fen: 3_010, FundingSource.arrived_fen: 3_010}).where(
        FundingSource.id == sid)
    await Arrival.insert(Arrival(project=world.project, source=sid, arrived_on=_ago(300), amount_fen=10))
    await services.run_monitors(TODAY)
    rows = await FundingAlert.select().where(FundingAlert.subject == f"source:{sid}").order_by(FundingAlert.id)
    assert [r["resolved_at"] is None for r in rows] == [False, True]
    assert monitors._detail(rows[1]["detail"])["idle_fen"] == 10


@pytest.mark.parametrize(("age", "fires"), [(90, False), (91, True)])
async def test_transfer_not_paid_on_within_ninety_days(world, age, fires):
    line = await h.line(world.project, 10_000)
    sid = await h.source(world.project, SourceKind.local_budget, 1_000, [(TODAY, 1_000)])
    allocation = await h.allocate(world.project, sid, line, 1_000)
    transfer = await h.pay(world.project, allocation, _ago(age), 600, kind=SpendingKind.transfer)
    await h.progress(world.project, TODAY, percent="100")
    await services.run_monitors(TODAY)
    assert (("transfer_not_paid_on", f"transfer:{transfer}") in await _open()) is fires
    if fires:  # paid on in full: resolved
        await h.pay(world.project, allocation, TODAY, 600, from_transfer=transfer)
        await services.run_monitors(TODAY)
        assert ("transfer_not_paid_on", f"transfer:{transfer}") not in await _open()


async def test_spending_ahead_of_progress(world):
    line = await h.line(world.project, 10_000)
    sid = await h.source(world.project, SourceKind.local_budget, 10_000, [(TODAY, 10_000)])
    allocation = await h.allocate(world.project, sid, line, 10_000)
    await h.pay(world.project, allocation, TODAY, 3_000)
    await h.pay(world.project, allocation, TODAY, 1_000, kind=SpendingKind.transfer)  # 拨付 counts too
    await h.progress(world.project, _ago(10), percent="40")
    await services.run_monitors(TODAY)
    assert ("ahead_of_progress", f"project:{world.project}") not in await _open()  # 4,000 = 40 % of 10,000
    await h.pay(world.project, allocation, TODAY, 1)
    await services.run_monitors(TODAY)
    alert = (await _open())[("ahead_of_progress", f"project:{world.project}")]
    assert monitors._detail(alert["detail"])["ahead_fen"] == 1
    # A value certified later is the measure once there is one.
    await h.progress(world.project, _ago(1), certified=5_000)
    await services.run_monitors(TODAY)
    assert ("ahead_of_progress", f"project:{world.project}") not in await _open()


async def test_gap_unarranged_and_serious_deviation(world):
    await h.line(world.project, 10_000)
    await h.source(world.project, SourceKind.local_budget, 2_000, [(_ago(1), 2_000)])
    await h.progress(world.project, _ago(1), percent="50")  # 20 % arrived against 50 % progress
    await services.run_monitors(TODAY)
    found = await _open()
    assert found[("gap_unarranged", f"project:{world.project}")]["level"] == "warning"
    assert found[("serious_deviation", f"project:{world.project}")]["level"] == "alarm"
    # Finance arranges the gap in this month's report: the gap alert resolves, the deviation stays.
    with clock.frozen(dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)):
        await services.save_draft(SYSTEM, world.project, dt.date(2026, 6, 1), ReportDraftIn(gap_arranged_fen=8_000))
    await services.run_monitors(TODAY)
    found = await _open()
    assert ("gap_unarranged", f"project:{world.project}") not in found
    assert ("serious_deviation", f"project:{world.project}") in found


async def test_daily_job_runs_once_and_the_digest_reaches_finance_and_manager(world):
    from inspections.jobs import run_escalation
    from inspections.tables import InboxMessage

    await _balanced(world.project)
    await h.source(world.project, SourceKind.special_bond, 1_000, [(_ago(400), 1_000)])
    [job] = funding_jobs()
    now = dt.datetime(2026, 6, 29, 22, 30, tzinfo=dt.UTC)  # 06:30 on 30 June in Shanghai
    first = await run_job(job, now)
    assert first["opened"] == 1
    assert await run_job(job, now) is None  # the day's run happened
    assert await AuditRecord.count().where(AuditRecord.action == "funding.monitors") == 1
    await run_escalation(now)
    rows = await InboxMessage.select(InboxMessage.user, InboxMessage.subject, InboxMessage.body)
    by_user = {r["user"]: r for r in rows}
    assert set(by_user) == {world.users["finance"], world.users["manager"]}
    assert "资金监测：1 项报警" in by_user[world.users["finance"]]["subject"]
    assert "资金闲置" in by_user[world.users["finance"]]["body"]


async def _bond(project: int, issue: dt.date = dt.date(2026, 1, 15)) -> int:
    from decimal import Decimal

    from funding.tables import BondTranche

    sid = await h.source(project, SourceKind.special_bond, 10_000_000_000, [(issue, 10_000_000_000)])
    await BondTranche.insert(BondTranche(source=sid, bond_code="2026-SB-01", issue_date=issue, amount_fen=10_000_000_000,
                                         coupon_rate=Decimal("0.0233"), tenor_years=20, frequency="semi_annual"))
    return sid


@pytest.mark.parametrize(("today", "level"), [(dt.date(2026, 6, 14), None), (dt.date(2026, 6, 15), "warning"),
                                              (dt.date(2026, 7, 8), "alarm"), (dt.date(2026, 7, 16), None)])
async def test_bond_coupon_due_within_thirty_days(world, today, level):
    sid = await _bond(world.project)
    await services.run_monitors(today)
    alert = (await _open()).get(("debt_due", f"debt:{sid}:2026-07-15"))
    assert (alert and alert["level"]) == (level or None)
    if alert:  # 2.33 % a year on 100,000,000.00, half a year's coupon
        assert monitors._detail(alert["detail"])["interest_fen"] == 116_500_000


async def test_loan_payment_due_and_resolved_once_past(world):
    from decimal import Decimal

    from funding.tables import Loan, RateReset

    sid = await h.source(world.project, SourceKind.policy_loan, 100_000_000, [(dt.date(2026, 4, 1), 100_000_000)])
    loan = (await Loan.insert(Loan(source=sid, lender="国家开发银行", facility_fen=100_000_000, spread_bp=-10,
                                   term_months=180, grace_months=36, payment_months=3, method="equal_principal",
                                   )).returning(Loan.id))[0]["id"]
    await RateReset.insert(RateReset(loan=loan, effective_on=dt.date(2026, 4, 1), base_rate=Decimal("0.0345")))
    await services.run_monitors(TODAY)
    alert = (await _open())[("debt_due", f"debt:{sid}:2026-07-01")]
    detail = monitors._detail(alert["detail"])
    # ACT/360 on 1,000,000.00 at 3.35 % for the 91 days from 1 April to 1 July, interest only in grace.
    assert (alert["level"], detail["principal_fen"], detail["interest_fen"]) == ("alarm", 0, 846_806)
    await services.run_monitors(dt.date(2026, 7, 2))
    assert ("debt_due", f"debt:{sid}:2026-07-01") not in await _open()


@pytest.mark.parametrize(("revenue_yuan", "level"), [(150_000_000, "alarm"), (162_000_000, "warning"),
                                                     (170_000_000, None)])
async def test_coverage_below_its_floor(world, revenue_yuan, level):
    from funding.tables import RevenueForecast

    await _bond(world.project)
    # Debt service: 100,000,000.00 principal + 40 coupons of 1,165,000.00 = 146,600,000.00.
    for year in range(2027, 2047):
        await RevenueForecast.insert(RevenueForecast(project=world.project, year=year, item="房屋销售",
                                                     revenue_fen=revenue_yuan * 100 // 20, cost_fen=0))
    await services.run_monitors(TODAY)
    alert = (await _open()).get(("coverage_low", f"project:{world.project}"))
    assert (alert and alert["level"]) == (level or None)
