"""Repayment schedules of bond tranches and policy-bank loans, and the coverage of self-balancing bonds.

Pure rules: no database, no web. Amounts are int fen and rates Decimal fractions (`funding.money`);
each figure of a row is worked out exactly in Decimal and rounded once with `money.round_fen` (half-up).

Conventions (day count and dates):
- Bonds (专项债 / 一般债 tranches): each coupon is the face outstanding × the annual rate ÷ the coupons
  a year (2.33 % semi-annual on 100,000,000.00 is 1,165,000.00 every half-year), whatever the number
  of days in the period, as Chinese government and local-government bonds pay. Coupon dates step
  12 ÷ frequency months from the issue date (a day the month lacks becomes its last day). Principal is
  repaid at maturity (bullet) or in parts on coupon dates.
- Loans (政策性银行贷款): interest accrues ACT/360 on the outstanding balance, each day
  balance × annual rate ÷ 360 (Chinese bank practice), from the drawdown day (counted) to the payment
  day (not counted). The annual rate is the base rate (LPR) in force that day plus the spread in basis
  points; a reset applies from its effective date, so a period it falls in accrues in two parts. The
  accrual runs by intervals between events (payment dates, drawdowns, resets), not day by day, and a
  row's interest is the exact sum over its intervals rounded once.
- Loan payment dates step `payment_months` from `first_date` (default: the first drawdown plus
  `payment_months`); maturity is always the last payment date. Payment dates on or before the first
  drawdown plus `grace_months` pay interest only.
- Equal principal (等额本金): the balance when repayment starts ÷ the repayment periods, rounded to the
  fen, repaid each period; a later drawdown spreads the new balance over the periods then left.
- Equal instalment (等额本息): the instalment B·r ÷ (1 − (1 + r)^−n) at the period rate
  r = annual rate ÷ 12 × payment_months, for the balance B and the n repayment periods left; its
  principal is the instalment less the period's ACT/360 interest. It is computed at the start of the
  first repayment period and again at the start of the first period after a rate reset or a drawdown.
- Custom (自定义): principal on the dates the contract lists (added to the payment dates), interest ACT/360.
- The last payment repays whatever is left, absorbing every rounding (and, for equal instalments, the
  difference between ACT/360 accrual and the nominal period rate), so the balance ends at exactly 0.
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import wraps
from typing import NamedTuple

from funding.kinds import Frequency, RepaymentMethod
from funding.money import fen_to_text, rate_from_bp, ratio, require_amount, require_rate, round_fen
from tracker.errors import Invalid

DAYS_IN_YEAR = 360  # ACT/360 for loans
MAX_YEARS = 50  # the longest bond or loan (ultra-long treasury bonds run 50 years)
FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates outside are typing errors, and keep date arithmetic in range
PAYMENT_MONTHS = (1, 3, 6, 12)  # monthly, quarterly, half-yearly, yearly

# Row notes are English msgids; the funding catalog translates them.
NOTE_COUPON = "coupon"
NOTE_COUPON_AND_PRINCIPAL = "coupon and principal"
NOTE_DRAWDOWN = "drawdown"
NOTE_INTEREST_ONLY = "interest only"
NOTE_INTEREST_ONLY_RESET = "interest only, rate reset in period"
NOTE_REPAYMENT = "principal and interest"
NOTE_REPAYMENT_RESET = "principal and interest, rate reset in period"
NOTES = (
    NOTE_COUPON,
    NOTE_COUPON_AND_PRINCIPAL,
    NOTE_DRAWDOWN,
    NOTE_INTEREST_ONLY,
    NOTE_INTEREST_ONLY_RESET,
    NOTE_REPAYMENT,
    NOTE_REPAYMENT_RESET,
)


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One dated line: what is paid (interest + principal = payment) and the balance after it."""

    date: dt.date
    interest_fen: int
    principal_fen: int
    payment_fen: int
    balance_fen: int
    rate: Decimal  # the annual rate of the period's last day (bond: the coupon rate)
    note: str  # one of NOTES
    drawn_fen: int = 0  # a loan's drawdown row: the amount drawn (its payment is 0)


class YearTotals(NamedTuple):
    interest_fen: int
    principal_fen: int

    @property
    def debt_service_fen(self) -> int:
        return self.interest_fen + self.principal_fen


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _exact_arithmetic(generate):
    """Run `generate` with 60 significant digits: amount × rate × days stays exact whatever the rate's
    digits, so the one rounding per figure is round_fen's and not the Decimal context's."""

    @wraps(generate)
    def run(*args, **kwargs):
        with localcontext(prec=60):
            return generate(*args, **kwargs)

    return run


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months; a day the target month lacks becomes its last day (31 Jan + 1 → 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = 29 if month == 1 and calendar.isleap(year) else _MONTH_DAYS[month]
    return dt.date(year, month + 1, day.day if day.day <= last else last)


def _date(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{field} must be a date, not {type(value).__name__}")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Invalid("A date falls between {first} and {last}.", field=field, rule="schedule.date_range",
                      first=FIRST_YEAR, last=LAST_YEAR)
    return value


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    return value


def _choice(enum: type[StrEnum], value: object, field: str):
    try:
        return enum(value)
    except ValueError as error:
        raise Invalid(
            "Choose one of: {allowed}.",
            field=field,
            rule=f"schedule.{field}",
            allowed=", ".join(member.value for member in enum),
        ) from error


# ---------------------------------------------------------------------------------------------- bonds


@dataclass(frozen=True, slots=True)
class PrincipalPart:
    """A scheduled partial repayment of a bond's face: on a coupon date, or at the end of year `when`
    (1 = the first anniversary of issue), as a share of the face or an amount of fen."""

    when: dt.date | int
    share: Decimal | None = None
    amount_fen: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.when, int):
            _whole(self.when, "principal")
        else:
            _date(self.when, "principal")
        if (self.share is None) == (self.amount_fen is None):
            raise Invalid("A principal part is a share or an amount, not both or neither.", field="principal",
                          rule="schedule.principal_part")
        if self.share is not None and not 0 < require_rate(self.share, "principal") <= 1:
            raise Invalid("A principal share is more than 0 and at most 1.", field="principal",
                          rule="schedule.principal_share")
        if self.amount_fen is not None and require_amount(self.amount_fen, "principal") <= 0:
            raise Invalid("A principal amount is more than 0.", field="principal", rule="schedule.principal_amount")


@dataclass(frozen=True, slots=True)
class BondTerms:
    """A bond tranche as allocated to a project. `principal=None` repays the whole face at maturity."""

    face_fen: int
    issue_date: dt.date
    annual_rate: Decimal
    tenor_years: int
    frequency: Frequency
    principal: Sequence[PrincipalPart] | None = None

    def __post_init__(self) -> None:
        if require_amount(self.face_fen, "face_fen") <= 0:
            raise Invalid("The amount must be more than 0.", field="face_fen", rule="schedule.positive")
        _date(self.issue_date, "issue_date")
        if require_rate(self.annual_rate, "annual_rate") < 0:
            raise Invalid("A rate cannot be negative.", field="annual_rate", rule="schedule.rate")
        if not 1 <= _whole(self.tenor_years, "tenor_years") <= MAX_YEARS:
            raise Invalid("The tenor is between 1 and {years} years.", field="tenor_years", rule="schedule.tenor",
                          years=MAX_YEARS)
        object.__setattr__(self, "frequency", _choice(Frequency, self.frequency, "frequency"))
        if self.principal is not None:
            parts = tuple(_part(part) for part in self.principal)
            if not parts:
                raise Invalid("List the principal parts, or none for repayment at maturity.", field="principal",
                              rule="schedule.principal_parts")
            object.__setattr__(self, "principal", parts)
            _principal_due(self, self.coupon_dates())  # refuses parts that miss a date or the face

    def coupon_dates(self) -> list[dt.date]:
        step = 12 // self.frequency.per_year
        return [add_months(self.issue_date, step * k) for k in range(1, self.tenor_years * self.frequency.per_year + 1)]

    @property
    def maturity_date(self) -> dt.date:
        return add_months(self.issue_date, 12 * self.tenor_years)


def _part(part: PrincipalPart | tuple) -> PrincipalPart:
    """A part as given: a PrincipalPart, or a pair (date or year, Decimal share or int fen)."""
    if isinstance(part, PrincipalPart):
        return part
    when, value = part
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"a principal part is a Decimal share or an int of fen, not {type(value).__name__}")
    return PrincipalPart(when, share=value) if isinstance(value, Decimal) else PrincipalPart(when, amount_fen=value)


def _principal_due(terms: BondTerms, dates: list[dt.date]) -> list[int]:
    """The principal due on each coupon date. Shares become fen by cumulative rounding (each part is
    round(face × shares so far) − round(face × shares before)), so the parts add up to the face exactly."""
    due = [0] * len(dates)
    if terms.principal is None:
        due[-1] = terms.face_fen
        return due
    position_of = {day: k for k, day in enumerate(dates)}
    per_year = terms.frequency.per_year
    placed: dict[int, PrincipalPart] = {}
    for part in terms.principal:
        if isinstance(part.when, int):
            if not 1 <= part.when <= terms.tenor_years:
                raise Invalid("A principal part's year is between 1 and the tenor ({tenor}).", field="principal",
                              rule="schedule.principal_year", tenor=terms.tenor_years)
            position = part.when * per_year - 1
        elif part.when in position_of:
            position = position_of[part.when]
        else:
            raise Invalid("A principal part falls on a coupon date; {day} is not one.", field="principal",
                          rule="schedule.principal_date", day=part.when.isoformat())
        if position in placed:
            raise Invalid("Two principal parts fall on {day}.", field="principal", rule="schedule.principal_twice",
                          day=dates[position].isoformat())
        placed[position] = part
    shares = sum((part.share for part in placed.values() if part.share is not None), Decimal(0))
    amounts = sum(part.amount_fen for part in placed.values() if part.amount_fen is not None)
    if shares * terms.face_fen + amounts != terms.face_fen:
        raise Invalid("The principal parts must add up to the face amount ({face}).", field="principal",
                      rule="schedule.principal_total", face=fen_to_text(terms.face_fen))
    cumulative, rounded_before = Decimal(0), 0
    for position in sorted(placed):
        part = placed[position]
        if part.amount_fen is not None:
            due[position] = part.amount_fen
            continue
        cumulative += part.share
        rounded = round_fen(cumulative * terms.face_fen)
        due[position] = rounded - rounded_before
        rounded_before = rounded
    return due


@_exact_arithmetic
def bond_schedule(terms: BondTerms) -> list[ScheduleRow]:
    """Coupons and principal of a bond tranche, one row per coupon date until the face is repaid."""
    dates = terms.coupon_dates()
    due = _principal_due(terms, dates)
    per_year = terms.frequency.per_year
    outstanding = terms.face_fen
    rows = []
    for day, principal in zip(dates, due):
        interest = round_fen(outstanding * terms.annual_rate / per_year)
        outstanding -= principal
        note = NOTE_COUPON_AND_PRINCIPAL if principal else NOTE_COUPON
        rows.append(ScheduleRow(day, interest, principal, interest + principal, outstanding, terms.annual_rate, note))
        if outstanding == 0:
            break
    return rows


# ---------------------------------------------------------------------------------------------- loans


@dataclass(frozen=True, slots=True)
class Drawdown:
    date: dt.date
    amount_fen: int

    def __post_init__(self) -> None:
        _date(self.date, "drawdowns")
        if require_amount(self.amount_fen, "drawdowns") <= 0:
            raise Invalid("A drawdown is more than 0.", field="drawdowns", rule="schedule.positive")


@dataclass(frozen=True, slots=True)
class RateReset:
    """The base rate (LPR) in force from `effective_date` on, as a Decimal fraction (0.0345 = 3.45 %)."""

    effective_date: dt.date
    base_rate: Decimal

    def __post_init__(self) -> None:
        _date(self.effective_date, "base_rates")
        require_rate(self.base_rate, "base_rates")


class Repayment(NamedTuple):
    """A line of a custom repayment table."""

    date: dt.date
    principal_fen: int


def _as(kind, item):
    return item if isinstance(item, kind) else kind(*item)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoanTerms:
    """A loan's contract terms. Give `maturity_date` or `term_months` (from the first drawdown), not both."""

    drawdowns: Sequence[Drawdown]
    base_rates: Sequence[RateReset]
    spread_bp: int = 0
    method: RepaymentMethod = RepaymentMethod.equal_principal
    payment_months: int = 3
    grace_months: int = 0
    maturity_date: dt.date | None = None
    term_months: int | None = None
    first_date: dt.date | None = None
    custom: Sequence[Repayment] | None = None

    def __post_init__(self) -> None:
        draws = tuple(sorted((_as(Drawdown, item) for item in self.drawdowns), key=lambda item: item.date))
        if not draws:
            raise Invalid("A loan has at least one drawdown.", field="drawdowns", rule="schedule.drawdowns")
        object.__setattr__(self, "drawdowns", draws)
        resets = tuple(sorted((_as(RateReset, item) for item in self.base_rates), key=lambda item: item.effective_date))
        if not resets or resets[0].effective_date > draws[0].date:
            raise Invalid("A base rate must be in force on the first drawdown ({day}).", field="base_rates",
                          rule="schedule.base_rate_start", day=draws[0].date.isoformat())
        if len({reset.effective_date for reset in resets}) != len(resets):
            raise Invalid("Two base rates take effect on the same day.", field="base_rates",
                          rule="schedule.base_rate_twice")
        object.__setattr__(self, "base_rates", resets)
        spread = rate_from_bp(self.spread_bp)
        if any(reset.base_rate + spread < 0 for reset in resets):
            raise Invalid("The base rate plus the spread cannot be negative.", field="spread_bp", rule="schedule.rate")
        object.__setattr__(self, "method", _choice(RepaymentMethod, self.method, "method"))
        if _whole(self.payment_months, "payment_months") not in PAYMENT_MONTHS:
            raise Invalid("Payments fall every 1, 3, 6 or 12 months.", field="payment_months",
                          rule="schedule.payment_months")
        if not 0 <= _whole(self.grace_months, "grace_months") <= 12 * MAX_YEARS:
            raise Invalid("The grace period is between 0 and {months} months.", field="grace_months",
                          rule="schedule.grace", months=12 * MAX_YEARS)
        if (self.maturity_date is None) == (self.term_months is None):
            raise Invalid("Give the maturity date or the term in months.", field="maturity_date",
                          rule="schedule.maturity")
        if self.term_months is not None and not 1 <= _whole(self.term_months, "term_months") <= 12 * MAX_YEARS:
            raise Invalid("The term is between 1 and {months} months.", field="term_months", rule="schedule.maturity",
                          months=12 * MAX_YEARS)
        if self.maturity_date is not None and _date(self.maturity_date, "maturity_date") > add_months(
            self.start, 12 * MAX_YEARS
        ):
            raise Invalid("A loan runs at most {years} years.", field="maturity_date", rule="schedule.maturity",
                          years=MAX_YEARS)
        maturity = self.maturity
        if draws[-1].date >= maturity:
            raise Invalid("Every drawdown comes before maturity ({day}).", field="drawdowns",
                          rule="schedule.drawdown_after_maturity", day=maturity.isoformat())
        if self.first_date is not None and not self.start < _date(self.first_date, "first_date") <= maturity:
            raise Invalid("The first payment date falls after the first drawdown and no later than maturity.",
                          field="first_date", rule="schedule.first_date")
        if self.method is RepaymentMethod.custom:
            self._check_custom(maturity)
        elif self.custom is not None:
            raise Invalid("A repayment table is given only with the custom method.", field="custom",
                          rule="schedule.custom_method")
        elif maturity <= self.grace_end:  # maturity is the last payment date
            raise Invalid("The grace period leaves no payment date to repay the principal.", field="grace_months",
                          rule="schedule.grace")

    def _check_custom(self, maturity: dt.date) -> None:
        if not self.custom:
            raise Invalid("The custom method needs its repayment table.", field="custom", rule="schedule.custom")
        table = tuple(sorted((_as(Repayment, item) for item in self.custom), key=lambda item: item.date))
        for line in table:
            _date(line.date, "custom")
            if require_amount(line.principal_fen, "custom") <= 0:
                raise Invalid("A repayment is more than 0.", field="custom", rule="schedule.positive")
            if not self.grace_end < line.date <= maturity:
                raise Invalid("A repayment ({day}) falls after the grace period and no later than maturity.",
                              field="custom", rule="schedule.custom_date", day=line.date.isoformat())
        if len({line.date for line in table}) != len(table):
            raise Invalid("Two repayments fall on the same day.", field="custom", rule="schedule.custom_twice")
        repaid, drawn = sum(line.principal_fen for line in table), self.drawn_fen
        if repaid != drawn:
            raise Invalid("The repayment table adds up to {repaid}, not the {drawn} drawn.", field="custom",
                          rule="schedule.custom_total", repaid=fen_to_text(repaid), drawn=fen_to_text(drawn))
        owed, drawn_so_far = 0, 0
        for line in table:
            # a drawdown on a repayment's day is drawn after that day's payment
            while drawn_so_far < len(self.drawdowns) and self.drawdowns[drawn_so_far].date < line.date:
                owed += self.drawdowns[drawn_so_far].amount_fen
                drawn_so_far += 1
            if line.principal_fen > owed:
                raise Invalid("The repayment on {day} is more than the balance then owed ({balance}).",
                              field="custom", rule="schedule.custom_balance", day=line.date.isoformat(),
                              balance=fen_to_text(owed))
            owed -= line.principal_fen
        object.__setattr__(self, "custom", table)

    @property
    def start(self) -> dt.date:
        return self.drawdowns[0].date

    @property
    def maturity(self) -> dt.date:
        return self.maturity_date if self.maturity_date is not None else add_months(self.start, self.term_months)

    @property
    def grace_end(self) -> dt.date:
        return add_months(self.start, self.grace_months)

    @property
    def drawn_fen(self) -> int:
        return sum(draw.amount_fen for draw in self.drawdowns)

    def payment_dates(self) -> list[dt.date]:
        """Every `payment_months` from the first payment date, then maturity; with a custom table, its dates too."""
        maturity, step = self.maturity, self.payment_months
        anchor = self.first_date or add_months(self.start, step)
        dates, k = [], 0
        while (day := add_months(anchor, k * step)) < maturity:
            dates.append(day)
            k += 1
        dates.append(maturity)
        if self.method is RepaymentMethod.custom:
            dates = sorted(set(dates) | {line.date for line in self.custom})
        return dates


@_exact_arithmetic
def annuity_payment(balance_fen: int, period_rate: Decimal, periods: int) -> int:
    """The equal instalment repaying `balance_fen` in `periods` at `period_rate`: B·r ÷ (1 − (1 + r)^−n)."""
    if period_rate == 0:
        return round_fen(Decimal(balance_fen) / periods)
    growth = (1 + period_rate) ** periods
    return round_fen(balance_fen * period_rate * growth / (growth - 1))


@_exact_arithmetic
def loan_schedule(terms: LoanTerms) -> list[ScheduleRow]:
    """Drawdown rows and payment rows of a loan, in date order, until the balance is repaid."""
    method = terms.method
    spread = rate_from_bp(terms.spread_bp)
    # Event days end with a sentinel that no period reaches, so the loop needs no bounds checks.
    reset_days = [reset.effective_date for reset in terms.base_rates] + [dt.date.max]
    rates = [reset.base_rate + spread for reset in terms.base_rates]
    draws = terms.drawdowns
    draw_days = [draw.date for draw in draws] + [dt.date.max]
    dates = terms.payment_dates()
    maturity, start, grace_end = dates[-1], terms.start, terms.grace_end
    custom = {line.date: line.principal_fen for line in terms.custom} if method is RepaymentMethod.custom else {}
    periods_left = sum(1 for day in dates if day > grace_end)
    rows: list[ScheduleRow] = []
    balance = 0
    drawn = 0  # drawdowns emitted

    def draw_on(day: dt.date) -> None:
        nonlocal balance, drawn
        while draw_days[drawn] == day:
            balance += draws[drawn].amount_fen
            rows.append(ScheduleRow(day, 0, 0, 0, balance, rate, NOTE_DRAWDOWN, draws[drawn].amount_fen))
            drawn += 1

    next_reset = bisect_right(reset_days, start)
    rate = rates[next_reset - 1]
    draw_on(start)
    period_start = start
    fixed = 0  # equal principal: the principal a period; equal instalment: the instalment
    fixed_rate: Decimal | None = None  # the rate the instalment was computed at
    dirty = True  # a drawdown since `fixed` was set
    for day in dates:
        repaying = day > grace_end
        if repaying and method is RepaymentMethod.equal_principal and dirty:
            fixed = round_fen(Decimal(balance) / periods_left)
            dirty = False
        elif repaying and method is RepaymentMethod.equal_instalment and (dirty or fixed_rate != rate):
            fixed = annuity_payment(balance, rate / 12 * terms.payment_months, periods_left)
            fixed_rate = rate
            dirty = False
        reset_in_period = False
        if reset_days[next_reset] >= day and draw_days[drawn] >= day:  # nothing happens inside the period
            accrued = balance * rate * (day - period_start).days
        else:
            accrued = Decimal(0)  # balance × rate × days, summed; ÷ 360 once at the end
            moment = period_start
            while True:
                until = min(day, draw_days[drawn], reset_days[next_reset])
                accrued += balance * rate * (until - moment).days
                moment = until
                if moment == day:
                    break
                while reset_days[next_reset] == moment:
                    rate = rates[next_reset]
                    next_reset += 1
                    reset_in_period = True
                if draw_days[drawn] == moment:
                    draw_on(moment)
                    dirty = True
        interest = round_fen(accrued / DAYS_IN_YEAR)
        if method is RepaymentMethod.custom:
            principal = custom.get(day, 0)  # the terms checked it is no more than the balance
        elif not repaying:
            principal = 0
        elif day == maturity:
            principal = balance
        elif method is RepaymentMethod.equal_principal:
            principal = fixed if fixed < balance else balance
        else:
            principal = min(max(fixed - interest, 0), balance)
        balance -= principal
        if principal or (repaying and method is not RepaymentMethod.custom):
            note = NOTE_REPAYMENT_RESET if reset_in_period else NOTE_REPAYMENT
        else:
            note = NOTE_INTEREST_ONLY_RESET if reset_in_period else NOTE_INTEREST_ONLY
        rows.append(ScheduleRow(day, interest, principal, interest + principal, balance, rate, note))
        if repaying:
            periods_left -= 1
        while reset_days[next_reset] == day:
            rate = rates[next_reset]
            next_reset += 1
        if draw_days[drawn] == day:
            draw_on(day)
            dirty = True
        period_start = day
        if balance == 0 and drawn == len(draws):
            break
    return rows


# ---------------------------------------------------------------------------------------------- totals


def totals_by_year(rows: Sequence[ScheduleRow]) -> dict[int, YearTotals]:
    """Interest and principal paid per calendar year, in year order (drawdown rows pay nothing)."""
    totals: dict[int, tuple[int, int]] = {}
    for row in rows:
        if row.note == NOTE_DRAWDOWN:
            continue
        interest, principal = totals.get(row.date.year, (0, 0))
        totals[row.date.year] = (interest + row.interest_fen, principal + row.principal_fen)
    return {year: YearTotals(*totals[year]) for year in sorted(totals)}


@dataclass(frozen=True, slots=True)
class Coverage:
    """本息覆盖倍数 of a self-balancing special-bond project, plain and under stress."""

    ratio: Decimal | None  # (revenue − costs) ÷ debt service, four places; None when nothing is owed
    passes: bool
    stress_ratio: Decimal | None
    stress_passes: bool
    floor: Decimal
    stress_floor: Decimal
    revenue_fen: int  # revenue of the years counted
    cost_fen: int  # operating costs of the years counted
    debt_service_fen: int  # principal + interest of every row
    net_fen: int  # revenue − costs
    stress_net_fen: int  # revenue × (1 + stress_revenue) − costs × (1 + stress_cost), rounded to the fen
    through_year: int | None  # the year of the last payment; later years are not counted


def _by_year(figures: Mapping[int, int] | None, field: str) -> dict[int, int]:
    checked = {}
    for year, amount in (figures or {}).items():
        _whole(year, field)
        if require_amount(amount, field) < 0:
            raise Invalid("A yearly figure cannot be negative ({year}).", field=field, rule="schedule.positive",
                          year=year)
        checked[year] = amount
    return checked


@_exact_arithmetic
def coverage(
    revenues_by_year: Mapping[int, int],
    schedule_rows: Sequence[ScheduleRow],
    costs_by_year: Mapping[int, int] | None = None,
    *,
    floor: Decimal = Decimal("1.1"),
    stress_revenue: Decimal = Decimal("-0.10"),
    stress_cost: Decimal = Decimal("0.10"),
    stress_floor: Decimal = Decimal("1.0"),
) -> Coverage:
    """How many times the project's own income covers the principal and interest of its bonds.

    debt service D = Σ (interest + principal) over `schedule_rows` (one tranche's rows, or several
    tranches' rows together); R = Σ revenue and C = Σ operating costs of the years up to and including
    the year of the last payment (income after the bonds are repaid cannot repay them).
    ratio = (R − C) ÷ D, passing when R − C ≥ floor × D; stress ratio =
    (R × (1 + stress_revenue) − C × (1 + stress_cost)) ÷ D, passing when ≥ stress_floor × D. The
    comparisons are exact (a ratio of exactly 1.1 passes a floor of 1.1); the ratios are rounded to four
    places only for showing. With nothing owed (D = 0) there is no ratio and both pass.
    """
    for name, value in (("floor", floor), ("stress_revenue", stress_revenue), ("stress_cost", stress_cost),
                        ("stress_floor", stress_floor)):
        require_rate(value, name)
    revenues = _by_year(revenues_by_year, "revenues_by_year")
    costs = _by_year(costs_by_year, "costs_by_year")
    payments = [row for row in schedule_rows if row.note != NOTE_DRAWDOWN]
    debt = sum(row.interest_fen + row.principal_fen for row in payments)
    through = max((row.date.year for row in payments), default=None)
    revenue = sum(amount for year, amount in revenues.items() if through is None or year <= through)
    cost = sum(amount for year, amount in costs.items() if through is None or year <= through)
    net = revenue - cost
    stressed = revenue * (1 + stress_revenue) - cost * (1 + stress_cost)
    return Coverage(
        ratio=ratio(net, debt) if debt else None,
        passes=net >= floor * debt,
        stress_ratio=ratio(stressed, debt) if debt else None,
        stress_passes=stressed >= stress_floor * debt,
        floor=floor,
        stress_floor=stress_floor,
        revenue_fen=revenue,
        cost_fen=cost,
        debt_service_fen=debt,
        net_fen=net,
        stress_net_fen=round_fen(stressed),
        through_year=through,
    )
