"""Tables of the funding domain: sources (with bond tranches and loans), arrivals, the budget and its
allocations, spending and transfers, work progress, revenue forecasts and resident contributions.

Money is integer fen (`BigInt`), rates `Numeric`. The limits auditors look for are running totals
held by CHECK constraints, so they hold under any concurrency: a source's arrivals never exceed its
commitment, its allocations never exceed its arrivals, an allocation's spending and outstanding
transfers never exceed it, and what is paid on from a transfer never exceeds the transfer. The
services update those totals in the same transaction as the row they add (`UPDATE … SET x = x + n`,
which takes the row lock), and a violation is a 409 naming the constraint.
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from funding.kinds import (
    BudgetCategory,
    CentralMode,
    ContributionBasis,
    ContributionStatus,
    Frequency,
    RepaymentMethod,
    SourceKind,
    SpendingKind,
    Use,
)
from tracker.accounts.tables import User
from tracker.consultations.tables import ConsultationItem
from tracker.register.tables import Household, Project
from tracker.schema import one_of

RATE = (9, 6)  # 0.023300 = 2.33 %


class FundingSource(Table):
    """资金来源: one source of money for one project (a bond tranche and a loan carry a row more)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=30, null=False)
    name = Varchar(length=200, null=False)
    reference = Varchar(length=120, null=False)  # 批文 / 下达文号 / 债券代码 / 借款合同号
    central_mode = Varchar(length=30, null=True, default=None)  # only for central_budget
    committed_fen = BigInt(null=False)  # 下达 / 承诺金额
    arrived_fen = BigInt(default=0)  # running total of arrivals (到位)
    allocated_fen = BigInt(default=0)  # running total of allocations to budget lines
    allowed_uses = JSON(default=[])  # list of funding.kinds.Use values this source may pay for
    approved_on = Date(null=False)  # 批复 / 下达日期: no arrival before it
    available_until = Date(null=True, default=None)  # 使用期限, where the source has one
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())

    kind_known = Check(one_of("kind", SourceKind))
    mode_known = Check(f'"central_mode" IS NULL OR {one_of("central_mode", CentralMode)}')
    committed_not_negative = Check(committed_fen >= 0)
    arrivals_within_commitment = Check((arrived_fen >= 0) & (arrived_fen <= committed_fen))
    allocations_within_arrivals = Check((allocated_fen >= 0) & (allocated_fen <= arrived_fen))
    funding_source_reference_unique = Unique([project, kind, reference])


class BondTranche(Table):
    """A bond allocated to the project (专项债券 / 一般债券): the terms its schedule is drawn from."""

    id = Serial(primary_key=True)
    source = ForeignKey(references=FundingSource, null=False, unique=True, on_delete=OnDelete.restrict)
    bond_code = Varchar(length=40, null=False)  # 债券代码
    issue_date = Date(null=False)
    amount_fen = BigInt(null=False)  # allocated to this project
    coupon_rate = Numeric(digits=RATE, null=False)
    tenor_years = Integer(null=False)
    frequency = Varchar(length=20, null=False)
    # None: principal at maturity (bullet); else [{"year": 5, "share": "0.1"} | {"date": "…", "amount_fen": n}]
    principal_parts = JSON(null=True, default=None)
    capital_share = Numeric(digits=(5, 4), default=Decimal(0))  # the part used as project capital (资本金)

    frequency_known = Check(one_of("frequency", Frequency))
    amount_positive = Check(amount_fen > 0)
    tenor_in_range = Check((tenor_years >= 1) & (tenor_years <= 50))
    coupon_in_range = Check("coupon_rate >= 0 AND coupon_rate < 1")


class Loan(Table):
    """A policy-bank loan or development instrument: facility and repayment terms. Drawdowns are the
    source's arrivals; the base rate (LPR) over time is `RateReset`."""

    id = Serial(primary_key=True)
    source = ForeignKey(references=FundingSource, null=False, unique=True, on_delete=OnDelete.restrict)
    lender = Varchar(length=120, null=False)
    facility_fen = BigInt(null=False)
    spread_bp = Integer(default=0)  # basis points over the base rate (may be negative)
    term_months = Integer(null=False)
    grace_months = Integer(default=0)
    payment_months = Integer(default=3)  # months between repayments: 1, 3, 6 or 12
    method = Varchar(length=20, null=False)
    first_payment_on = Date(null=True, default=None)  # defaults to one period after the first drawdown
    custom_schedule = JSON(null=True, default=None)  # [{"date": "YYYY-MM-DD", "principal_fen": n}] for custom

    method_known = Check(one_of("method", RepaymentMethod))
    facility_positive = Check(facility_fen > 0)
    term_positive = Check((term_months >= 1) & (term_months <= 600))
    grace_within_term = Check((grace_months >= 0) & (grace_months < term_months))
    period_known = Check("payment_months IN (1, 3, 6, 12)")


class RateReset(Table):
    """The loan's base rate (LPR) from a date on; the first row is the rate at signing."""

    id = Serial(primary_key=True)
    loan = ForeignKey(references=Loan, null=False, index=True, on_delete=OnDelete.restrict)
    effective_on = Date(null=False)
    base_rate = Numeric(digits=RATE, null=False)

    rate_reset_one_a_day = Unique([loan, effective_on])
    rate_in_range = Check("base_rate >= 0 AND base_rate < 1")


class Arrival(Table):
    """到位: money of a source that reached the project (a loan's drawdown is its arrival)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    source = ForeignKey(references=FundingSource, null=False, index=True, on_delete=OnDelete.restrict)
    arrived_on = Date(null=False)
    amount_fen = BigInt(null=False)
    voucher_no = Varchar(length=60, default="")
    note = Text(default="")
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())

    amount_positive = Check(amount_fen > 0)


class BudgetLine(Table):
    """概算: a line of the project's approved budget; its use decides which sources may pay it."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    category = Varchar(length=30, null=False)
    name = Varchar(length=120, null=False)
    use = Varchar(length=30, null=False)
    amount_fen = BigInt(null=False)  # approved amount of the line

    category_known = Check(one_of("category", BudgetCategory))
    use_known = Check(one_of("use", Use))
    amount_not_negative = Check(amount_fen >= 0)
    budget_line_name_unique = Unique([project, name])


class Allocation(Table):
    """Money of a source set against a budget line; what is spent or transferred comes out of it."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    source = ForeignKey(references=FundingSource, null=False, index=True, on_delete=OnDelete.restrict)
    budget_line = ForeignKey(references=BudgetLine, null=False, index=True, on_delete=OnDelete.restrict)
    amount_fen = BigInt(null=False)
    spent_fen = BigInt(default=0)  # paid to final payees
    transferred_fen = BigInt(default=0)  # moved to another account and not yet paid on
    allocated_on = Date(null=False)
    note = Text(default="")

    allocation_one_per_line = Unique([source, budget_line])
    amount_positive = Check(amount_fen > 0)
    outflow_within_allocation = Check("spent_fen >= 0 AND transferred_fen >= 0 AND spent_fen + transferred_fen <= amount_fen")


class Spending(Table):
    """支出 (a payment to a final payee) or 拨付 (a transfer to another account or implementing unit,
    which is not spending until it is paid on: `from_transfer` links the onward payment)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    allocation = ForeignKey(references=Allocation, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, null=False)
    spent_on = Date(null=False)
    amount_fen = BigInt(null=False)
    payee = Varchar(length=200, null=False)  # the final payee, or the receiving account / unit
    voucher_no = Varchar(length=60, null=False)  # 凭证号
    purpose = Varchar(length=500, null=False)  # what it is for
    # NO ACTION checks at the end of the statement, so a chain of transfers and onward payments can be removed in
    # one statement (RESTRICT refuses row by row), as `consultation.previous` does.
    from_transfer = ForeignKey(references="self", null=True, default=None, index=True, on_delete=OnDelete.no_action)
    onward_fen = BigInt(default=0)  # of a transfer: what has been paid on from it
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())

    kind_known = Check(one_of("kind", SpendingKind))
    amount_positive = Check(amount_fen > 0)
    onward_within_transfer = Check((onward_fen >= 0) & (onward_fen <= amount_fen))
    spending_voucher_unique = Unique([project, voucher_no])


class WorkProgress(Table):
    """The works' progress as of a date: a percentage, or the value of work certified (contract
    payments write it when they exist); the spending-ahead-of-progress monitor compares with it."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    as_of = Date(null=False)
    percent = Numeric(digits=(5, 2), null=True, default=None)
    certified_fen = BigInt(null=True, default=None)

    work_progress_one_a_day = Unique([project, as_of])
    something_recorded = Check("percent IS NOT NULL OR certified_fen IS NOT NULL")
    percent_in_range = Check("percent IS NULL OR (percent >= 0 AND percent <= 100)")


class RevenueForecast(Table):
    """A self-balancing special-bond project's forecast income and operating cost for a year."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    item = Varchar(length=60, null=False)  # 房屋销售 / 停车位 / 租金 …
    revenue_fen = BigInt(default=0)
    cost_fen = BigInt(default=0)

    revenue_forecast_one_item_a_year = Unique([project, year, item])
    amounts_not_negative = Check((revenue_fen >= 0) & (cost_fen >= 0))


class ItemShare(Table):
    """The resident share a retrofit-menu item carries: per m² of the household's area or flat."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, unique=True, on_delete=OnDelete.restrict)
    basis = Varchar(length=20, null=False)
    rate_fen = BigInt(null=False)  # fen per m² (per_area) or per household (flat)

    basis_known = Check(one_of("basis", ContributionBasis))
    rate_positive = Check(rate_fen > 0)


class Contribution(Table):
    """What a household owes for a passed item with a resident share, and what it has paid."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    household = ForeignKey(references=Household, null=False, index=True, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, index=True, on_delete=OnDelete.restrict)
    due_fen = BigInt(null=False)
    paid_fen = BigInt(default=0)
    status = Varchar(length=20, default=ContributionStatus.due.value)
    last_paid_on = Date(null=True, default=None)

    contribution_one_per_household_item = Unique([household, item])
    status_known = Check(one_of("status", ContributionStatus))
    amounts_in_range = Check((due_fen >= 0) & (paid_fen >= 0) & (paid_fen <= due_fen))
