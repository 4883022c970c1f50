"""Demo funding (called once from tracker/demo.py load_demo, inside its transaction): the retrofit estate
paid by a central subsidy, the city budget and the residents; the expropriation parcel by a special-bond
tranche (20 years, semi-annual coupons) and a policy-bank loan with a grace period; the resettlement
housing (if the demo has it) by several sources, one arrival left idle for over a year (an alarm once the
monitors run) and a special bond whose uses exclude the operating-costs line, so allocating it there is
refused with the rule it breaks (409 `special_bond_negative_list`).

Everything is written through the services, so the audit log records it as a user's work would be."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from funding import services
from funding.kinds import BudgetCategory, CentralMode, Frequency, RepaymentMethod, SourceKind, SpendingKind, Use
from funding.schemas import (
    AllocationIn,
    ArrivalIn,
    BudgetLineIn,
    LoanIn,
    ProgressIn,
    RateResetIn,
    SourceIn,
    SpendingIn,
    TrancheIn,
)
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.register.kinds import ProjectKind
from tracker.register.tables import Project

WAN = 1_000_000  # fen in 万元 (ten thousand yuan)


async def _source(project: int, kind: SourceKind, name: str, reference: str, wan: int, approved: dt.date,
                  **extra) -> int:
    return (await services.create_source(SYSTEM, project, SourceIn(
        kind=kind, name=name, reference=reference, committed_fen=wan * WAN, approved_on=approved, **extra))).id


async def _arrive(source: int, day: dt.date, wan: int, voucher: str) -> None:
    await services.record_arrival(SYSTEM, source, ArrivalIn(arrived_on=day, amount_fen=wan * WAN, voucher_no=voucher))


async def _line(project: int, category: BudgetCategory, name: str, wan: int, use: Use | None = None) -> int:
    return (await services.add_budget_line(SYSTEM, project, BudgetLineIn(
        category=category, name=name, amount_fen=wan * WAN, use=use))).id


async def _allocate(project: int, source: int, line: int, wan: int, day: dt.date) -> int:
    return (await services.allocate(SYSTEM, project, AllocationIn(
        source_id=source, budget_line_id=line, amount_fen=wan * WAN, allocated_on=day))).id


async def _spend(allocation: int, day: dt.date, fen: int, payee: str, voucher: str, purpose: str,
                 kind: SpendingKind = SpendingKind.payment) -> None:
    await services.record_spending(SYSTEM, allocation, SpendingIn(
        amount_fen=fen, spent_on=day, payee=payee, voucher_no=voucher, purpose=purpose, kind=kind))


def _months_ago(today: dt.date, months: int, day: int = 10) -> dt.date:
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, day)


async def _retrofit(project: int, today: dt.date) -> None:
    start = _months_ago(today, 9, 1)
    subsidy = await _source(project, SourceKind.central_subsidy, "中央财政城镇老旧小区改造补助资金",
                            "财建〔2026〕45号", 1_800, start)
    city = await _source(project, SourceKind.local_budget, "市级财政老旧小区改造资金", "沪财建〔2026〕112号",
                         1_200, start)
    residents = await _source(project, SourceKind.resident, "居民出资（加装电梯、户内改造）", "梅园新村业主大会决议",
                              150, start)
    works = await _line(project, BudgetCategory.construction, "建安工程费", 2_700)
    other = await _line(project, BudgetCategory.other_costs, "工程建设其他费", 300)
    await _line(project, BudgetCategory.contingency, "预备费", 150)
    await _arrive(subsidy, _months_ago(today, 8), 1_200, "收-2026-001")
    await _arrive(city, _months_ago(today, 7), 800, "收-2026-002")
    await _arrive(residents, _months_ago(today, 4), 60, "收-2026-003")
    a_subsidy = await _allocate(project, subsidy, works, 1_200, _months_ago(today, 8, 15))
    a_city = await _allocate(project, city, other, 200, _months_ago(today, 7, 15))
    await _allocate(project, residents, works, 60, _months_ago(today, 4, 15))
    payee = "沪安建筑工程有限公司"
    for n, (back, wan) in enumerate([(6, 280), (4, 320), (2, 260), (1, 150)], start=1):
        await _spend(a_subsidy, _months_ago(today, back, 20), wan * WAN, payee, f"付-2026-{n:03d}",
                     f"外墙保温及屋面防水第{n}期进度款")
    await _spend(a_city, _months_ago(today, 5, 18), 65 * WAN, "城建规划设计研究院", "付-2026-101", "设计费")
    await _spend(a_city, _months_ago(today, 3, 18), 48 * WAN, "申诚建设监理有限公司", "付-2026-102", "监理费")
    await services.record_progress(SYSTEM, project, ProgressIn(as_of=_months_ago(today, 1, 28), percent=Decimal("38")))


async def _parcel(project: int, today: dt.date) -> None:
    start = _months_ago(today, 8, 1)
    bond = await _source(project, SourceKind.special_bond, "2026年上海市政府专项债券（棚改）七期", "2026-SH-ZX-07",
                         30_000, start, tranche=TrancheIn(
                             bond_code="2605077", issue_date=_months_ago(today, 7, 15), coupon_rate=Decimal("0.0228"),
                             tenor_years=20, frequency=Frequency.semi_annual))
    loan = await _source(project, SourceKind.policy_loan, "国家开发银行城市更新贷款", "国开沪借字2026第018号",
                         50_000, start, loan=LoanIn(
                             lender="国家开发银行上海市分行", term_months=240, method=RepaymentMethod.equal_principal,
                             grace_months=36, payment_months=6, spread_bp=-45,
                             rate_resets=[RateResetIn(effective_on=start, base_rate=Decimal("0.0350"))]))
    compensation = await _line(project, BudgetCategory.compensation, "征收补偿费", 75_000)
    await _line(project, BudgetCategory.construction_interest, "建设期利息", 3_000)
    await _arrive(bond, _months_ago(today, 7, 16), 30_000, "收-ZX-001")
    await _arrive(loan, _months_ago(today, 6), 20_000, "提款-001")
    await _arrive(loan, _months_ago(today, 3), 15_000, "提款-002")
    a_bond = await _allocate(project, bond, compensation, 30_000, _months_ago(today, 7, 20))
    a_loan = await _allocate(project, loan, compensation, 35_000, _months_ago(today, 3, 12))
    await _spend(a_bond, _months_ago(today, 6, 25), 12_000 * WAN, "静安区第一房屋征收事务所", "拨-ZX-001",
                 "征收补偿款拨付至征收事务所专户", SpendingKind.transfer)
    await _spend(a_bond, _months_ago(today, 5, 25), 9_800 * WAN, "被征收人补偿款（批量）", "付-ZX-002", "第一批签约户补偿款")
    await _spend(a_loan, _months_ago(today, 2, 25), 16_500 * WAN, "被征收人补偿款（批量）", "付-GK-001", "第二批签约户补偿款")


async def _housing(project: int, today: dt.date) -> None:
    start = dt.date(today.year - 2, 3, 1)
    central = await _source(project, SourceKind.central_budget, "中央预算内投资（保障性安居工程）",
                            "发改投资〔2024〕801号", 8_000, start, central_mode=CentralMode.investment_subsidy)
    ultra = await _source(project, SourceKind.ultra_long_bond, "超长期特别国债", "财预〔2025〕33号", 6_000,
                          dt.date(today.year - 1, 4, 1))
    bond = await _source(project, SourceKind.special_bond, "2025年上海市政府专项债券（保障房）三期", "2025-SH-ZX-03",
                         20_000, dt.date(today.year - 1, 5, 1), tranche=TrancheIn(
                             bond_code="2505033", issue_date=dt.date(today.year - 1, 5, 20),
                             coupon_rate=Decimal("0.0241"), tenor_years=15, frequency=Frequency.annual))
    district = await _source(project, SourceKind.local_budget, "宝山区财政配套资金", "宝财建〔2024〕56号", 5_000, start)
    works = await _line(project, BudgetCategory.construction, "建安工程费", 36_000)
    await _line(project, BudgetCategory.other_costs, "运营筹备费（不得使用专项债券）", 800, use=Use.operating_costs)
    land = await _line(project, BudgetCategory.land, "土地费用", 4_000)
    # More than a year ago and never allocated: the idle-money monitor raises an alarm.
    await _arrive(central, today - dt.timedelta(days=420), 3_000, "收-AZ-001")
    await _arrive(ultra, dt.date(today.year - 1, 6, 10), 6_000, "收-AZ-002")
    await _arrive(bond, dt.date(today.year - 1, 5, 25), 20_000, "收-AZ-003")
    await _arrive(district, dt.date(today.year - 1, 1, 15), 2_500, "收-AZ-004")
    a_bond = await _allocate(project, bond, works, 18_000, dt.date(today.year - 1, 6, 1))
    a_ultra = await _allocate(project, ultra, works, 6_000, dt.date(today.year - 1, 6, 15))
    a_district = await _allocate(project, district, land, 2_500, dt.date(today.year - 1, 2, 1))
    payee = "沪安建筑工程有限公司"
    for n, back in enumerate(range(12, 0, -2), start=1):
        await _spend(a_bond, _months_ago(today, back, 22), 2_100 * WAN, payee, f"付-AZ-{n:03d}", f"主体结构第{n}期进度款")
    await _spend(a_ultra, _months_ago(today, 3, 22), 2_400 * WAN, payee, "付-AZ-101", "一期装饰装修进度款")
    await _spend(a_district, dt.date(today.year - 1, 2, 20), 2_500 * WAN, "宝山区土地储备中心", "付-AZ-201", "土地出让价款")


async def load(retrofit: int, parcel: int) -> None:
    """The demo's funding; the resettlement project is found by its kind and skipped when absent."""
    today = clock.today()
    await _retrofit(retrofit, today)
    await _parcel(parcel, today)
    housing = await Project.select(Project.id).where(Project.kind == ProjectKind.resettlement_housing.value).first()
    if housing:
        await _housing(housing["id"], today)
    await services.run_monitors(today)
