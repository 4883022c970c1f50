"""Request and response shapes of the funding API (msgspec Structs, separate from the tables).

Money has one representation: integer fen in fields named `*_fen` (1 yuan = 100 fen), in requests and
answers alike. Rates are decimal strings ("0.0233" is 2.33 %).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

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
from tracker.types import Bounded, Digits, Id

# 10^15 fen (10 trillion yuan) per figure keeps every sum far inside a BIGINT.
MAX_FEN = 10**15
Fen = Annotated[int, msgspec.Meta(ge=0, le=MAX_FEN, description="Amount in fen (integer; 1 yuan = 100 fen), 0 to 10^15.")]
PositiveFen = Annotated[int, msgspec.Meta(ge=1, le=MAX_FEN,
                                          description="Amount in fen (integer; 1 yuan = 100 fen), 1 to 10^15.")]
Rate = Annotated[Decimal, msgspec.Meta(description='A rate as a decimal string, 0 ≤ rate < 1, at most 6 decimal places: '
                                                   '"0.0233" is 2.33 %.'), Digits(6, 6, minimum=Decimal(0))]
Share = Annotated[Decimal, msgspec.Meta(description='A share as a decimal string, 0 to 1, at most 4 decimal places: '
                                                    '"0.25" is 25 %.'), Digits(5, 4, minimum=Decimal(0))]
Percent = Annotated[Decimal, msgspec.Meta(description="Per cent as a decimal string, 0 to 100, 2 decimal places."),
                    Digits(5, 2, minimum=Decimal(0))]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Voucher = Annotated[str, msgspec.Meta(max_length=60)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


# ---------------------------------------------------------------- sources, tranches, loans


class PrincipalPart(Bounded, forbid_unknown_fields=True, omit_defaults=True):
    """A scheduled partial repayment of a bond: a share of the amount in a year of its life, or an
    amount on a date."""

    year: Annotated[int, msgspec.Meta(ge=1, le=50)] | None = None
    share: Share | None = None
    date: dt.date | None = None
    amount_fen: PositiveFen | None = None


class TrancheIn(Bounded, forbid_unknown_fields=True):
    """Terms of a bond tranche (专项债券 / 一般债券); its amount is the source's committed amount."""

    bond_code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    issue_date: dt.date
    coupon_rate: Rate
    tenor_years: Annotated[int, msgspec.Meta(ge=1, le=50)]
    frequency: Frequency
    principal_parts: list[PrincipalPart] | None = None  # None: principal at maturity (bullet)
    capital_share: Share = Decimal(0)  # the part used as project capital (资本金)


class TrancheOut(msgspec.Struct):
    bond_code: str
    issue_date: dt.date
    amount_fen: int
    coupon_rate: Decimal
    tenor_years: int
    frequency: Frequency
    principal_parts: list[PrincipalPart] | None
    capital_share: Decimal


class RateResetIn(Bounded, forbid_unknown_fields=True):
    effective_on: dt.date
    base_rate: Rate


class CustomPayment(msgspec.Struct, forbid_unknown_fields=True):
    date: dt.date
    principal_fen: PositiveFen


class LoanIn(Bounded, forbid_unknown_fields=True):
    """Terms of a policy-bank loan or development instrument; its facility is the source's committed
    amount and its drawdowns are the source's arrivals."""

    lender: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    term_months: Annotated[int, msgspec.Meta(ge=1, le=600)]
    method: RepaymentMethod
    rate_resets: Annotated[list[RateResetIn], msgspec.Meta(min_length=1, max_length=200)]
    spread_bp: Annotated[int, msgspec.Meta(ge=-10000, le=10000)] = 0
    grace_months: Annotated[int, msgspec.Meta(ge=0, le=599)] = 0
    payment_months: Literal[1, 3, 6, 12] = 3
    first_payment_on: dt.date | None = None
    custom_schedule: Annotated[list[CustomPayment], msgspec.Meta(max_length=1200)] | None = None


class RateResetOut(msgspec.Struct):
    effective_on: dt.date
    base_rate: Decimal


class LoanOut(msgspec.Struct):
    lender: str
    facility_fen: int
    spread_bp: int
    term_months: int
    grace_months: int
    payment_months: int
    method: RepaymentMethod
    first_payment_on: dt.date | None
    custom_schedule: list[CustomPayment] | None
    rate_resets: list[RateResetOut] = []


class SourceIn(msgspec.Struct, forbid_unknown_fields=True):
    """A source of money (资金来源). Bond kinds carry `tranche`, loan kinds `loan`; `allowed_uses`
    defaults to the kind's (funding/rules.py)."""

    kind: SourceKind
    name: Name
    reference: Reference  # 批文 / 下达文号 / 债券代码 / 借款合同号
    committed_fen: Fen
    approved_on: dt.date
    allowed_uses: Annotated[list[Use], msgspec.Meta(max_length=len(Use))] | None = None
    central_mode: CentralMode | None = None
    available_until: dt.date | None = None
    note: Note = ""
    tranche: TrancheIn | None = None
    loan: LoanIn | None = None


class SourceOut(msgspec.Struct):
    id: int
    project_id: int
    kind: SourceKind
    name: str
    reference: str
    central_mode: CentralMode | None
    committed_fen: int
    arrived_fen: int
    allocated_fen: int
    allowed_uses: list[Use]
    approved_on: dt.date
    available_until: dt.date | None
    note: str
    tranche: TrancheOut | None = None
    loan: LoanOut | None = None


# ---------------------------------------------------------------- arrivals, budget, allocations, spending


class ArrivalIn(msgspec.Struct, forbid_unknown_fields=True):
    arrived_on: dt.date
    amount_fen: PositiveFen
    voucher_no: Voucher = ""
    note: Note = ""


class ArrivalOut(msgspec.Struct):
    id: int
    project_id: int
    source_id: int
    arrived_on: dt.date
    amount_fen: int
    voucher_no: str
    note: str


class BudgetLineIn(msgspec.Struct, forbid_unknown_fields=True):
    """A line of the approved budget (概算); `use` defaults to the category's."""

    category: BudgetCategory
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    amount_fen: Fen
    use: Use | None = None


class BudgetLineOut(msgspec.Struct):
    id: int
    project_id: int
    category: BudgetCategory
    name: str
    use: Use
    amount_fen: int
    allocated_fen: int = 0


class AllocationIn(msgspec.Struct, forbid_unknown_fields=True):
    source_id: Id
    budget_line_id: Id
    amount_fen: PositiveFen
    allocated_on: dt.date
    note: Note = ""


class AllocationPatch(msgspec.Struct, forbid_unknown_fields=True):
    """A new amount for an allocation: not above the source's arrivals, not below what left it."""

    amount_fen: PositiveFen
    note: Note | None = None


class AllocationOut(msgspec.Struct):
    id: int
    project_id: int
    source_id: int
    budget_line_id: int
    amount_fen: int
    spent_fen: int
    transferred_fen: int
    allocated_on: dt.date
    note: str
    source_kind: SourceKind
    use: Use


class SpendingIn(msgspec.Struct, forbid_unknown_fields=True):
    """A payment to a final payee (支出) or a transfer to another account (拨付, not spending until paid
    on); a payment with `from_transfer_id` pays on money transferred earlier."""

    amount_fen: PositiveFen
    spent_on: dt.date
    payee: Name
    voucher_no: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    purpose: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    kind: SpendingKind = SpendingKind.payment
    from_transfer_id: Id | None = None


class SpendingOut(msgspec.Struct):
    id: int
    project_id: int
    allocation_id: int
    source_id: int
    budget_line_id: int
    kind: SpendingKind
    spent_on: dt.date
    amount_fen: int
    payee: str
    voucher_no: str
    purpose: str
    from_transfer_id: int | None
    onward_fen: int


class SpendingPage(msgspec.Struct):
    items: list[SpendingOut]
    total: int
    offset: int
    limit: int


# ---------------------------------------------------------------- progress, forecasts


class ProgressIn(Bounded, forbid_unknown_fields=True):
    """The works' progress as of a date: a percentage, the value of work certified, or both."""

    as_of: dt.date
    percent: Percent | None = None
    certified_fen: Fen | None = None


class ProgressOut(msgspec.Struct):
    id: int
    project_id: int
    as_of: dt.date
    percent: Decimal | None
    certified_fen: int | None


class ForecastIn(msgspec.Struct, forbid_unknown_fields=True):
    """A year's forecast income and operating cost of one item (房屋销售 / 停车位 / 租金 …)."""

    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    item: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    revenue_fen: Fen = 0
    cost_fen: Fen = 0


class ForecastOut(msgspec.Struct):
    id: int
    project_id: int
    year: int
    item: str
    revenue_fen: int
    cost_fen: int


# ---------------------------------------------------------------- resident contributions


class ItemShareIn(msgspec.Struct, forbid_unknown_fields=True):
    """The resident share of a retrofit-menu item: fen per m² of each household's area, or flat."""

    item_id: Id
    basis: ContributionBasis
    rate_fen: PositiveFen


class ItemShareOut(msgspec.Struct):
    id: int
    project_id: int
    item_id: int
    basis: ContributionBasis
    rate_fen: int
    generated: int = 0  # contributions planned by this request (an item already passed plans at once)


class GenerateIn(msgspec.Struct, forbid_unknown_fields=True):
    item_id: Id


class GeneratedOut(msgspec.Struct):
    item_id: int
    generated: int  # new contributions this time (0 when the plan already existed)
    households: int  # contributions the item has now
    due_fen: int  # their total


class ContributionPaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    """A household's payment; with `source_id` (the project's 居民出资 source) it is also that source's
    arrival, so the money counts where the monthly report looks for it."""

    amount_fen: PositiveFen
    paid_on: dt.date
    source_id: Id | None = None
    voucher_no: Voucher = ""


class WaiveIn(msgspec.Struct, forbid_unknown_fields=True):
    """Waive what a household still owes (减免), with the reason (e.g. 低保户)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ContributionOut(msgspec.Struct):
    id: int
    project_id: int
    household_id: int
    certificate_no: str
    item_id: int
    item: str
    due_fen: int
    paid_fen: int
    status: ContributionStatus
    last_paid_on: dt.date | None


class OwnContributionOut(msgspec.Struct):
    """A household's own contribution, as its resident sees it."""

    id: int
    item: str
    due_fen: int
    paid_fen: int
    status: ContributionStatus
    last_paid_on: dt.date | None


# ---------------------------------------------------------------- read-model figures


class Figures(msgspec.Struct):
    committed_fen: int = 0
    arrived_fen: int = 0
    allocated_fen: int = 0
    spent_fen: int = 0
    transferred_fen: int = 0  # moved to another account and not yet paid on


class KindFigures(msgspec.Struct):
    kind: SourceKind
    sources: int
    committed_fen: int
    arrived_fen: int
    allocated_fen: int
    spent_fen: int
    transferred_fen: int


class LineFigures(msgspec.Struct):
    budget_line_id: int
    category: BudgetCategory
    name: str
    use: Use
    amount_fen: int
    allocated_fen: int
    spent_fen: int
    transferred_fen: int


class MonthFigures(msgspec.Struct):
    month: str  # YYYY-MM
    arrived_fen: int
    spent_fen: int
    transferred_fen: int
    arrived_to_date_fen: int
    spent_to_date_fen: int


class OverviewOut(msgspec.Struct):
    project_id: int
    totals: Figures
    by_kind: list[KindFigures]
    by_line: list[LineFigures]
    by_month: list[MonthFigures]
    contributions_due_fen: int = 0
    contributions_paid_fen: int = 0


class ProjectFigures(msgspec.Struct):
    project_id: int
    code: str
    name: str
    district: str
    committed_fen: int
    arrived_fen: int
    allocated_fen: int
    spent_fen: int
    transferred_fen: int


class PortfolioOut(msgspec.Struct):
    totals: Figures
    projects: list[ProjectFigures]
    by_kind: list[KindFigures]


class ImportReport(msgspec.Struct):
    imported: int


# ---------------------------------------------------------------- repayment schedules


class ScheduleRowOut(msgspec.Struct):
    date: dt.date
    interest_fen: int
    principal_fen: int
    payment_fen: int
    balance_fen: int  # outstanding after the row
    rate: Decimal  # the annual rate in force (a bond's coupon rate)
    note: str
    drawn_fen: int = 0  # a loan's drawdown row


class YearOut(msgspec.Struct):
    year: int
    interest_fen: int
    principal_fen: int
    debt_service_fen: int


class ScheduleOut(msgspec.Struct):
    """A tranche's or loan's repayment schedule (conventions: funding/schedules.py). A loan without
    drawdowns yet is shown as if its whole facility were drawn at the start (`assumed_drawdown`)."""

    source_id: int
    kind: SourceKind
    rows: list[ScheduleRowOut]
    years: list[YearOut]
    interest_fen: int
    principal_fen: int
    assumed_drawdown: bool = False


class SourceDebtOut(msgspec.Struct):
    source_id: int
    kind: SourceKind
    name: str
    interest_fen: int
    principal_fen: int


class CoverageOut(msgspec.Struct):
    """本息覆盖倍数 of the project's special bonds by its revenue forecasts, plain and under stress."""

    ratio: Decimal | None
    passes: bool
    stress_ratio: Decimal | None
    stress_passes: bool
    floor: Decimal
    stress_floor: Decimal
    revenue_fen: int
    cost_fen: int
    debt_service_fen: int


class DebtServiceOut(msgspec.Struct):
    """Interest and principal of every bond and loan of the project, per year and per source."""

    project_id: int
    years: list[YearOut]
    sources: list[SourceDebtOut]
    coverage: CoverageOut | None = None
