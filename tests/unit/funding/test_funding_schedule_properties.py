"""Property tests: every schedule repays exactly what was drawn, never goes below zero, ends at zero, and its
interval accrual equals a naive day-by-day ACT/360 accrual."""

import datetime as dt
import math
from bisect import bisect_right
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from funding.schedules import (
    NOTE_DRAWDOWN,
    BondTerms,
    Drawdown,
    Frequency,
    LoanTerms,
    RateReset,
    RepaymentMethod,
    add_months,
    bond_schedule,
    loan_schedule,
    totals_by_year,
)

properties = settings(database=None, deadline=None, max_examples=150)

START = dt.date(2025, 1, 1)


@st.composite
def loans(draw, max_months: int = 360) -> LoanTerms:
    start = START + dt.timedelta(days=draw(st.integers(0, 400)))
    payment_months = draw(st.sampled_from([1, 3, 6, 12]))
    term_months = draw(st.integers(min_value=payment_months, max_value=max_months))
    maturity = add_months(start, term_months)
    method = draw(st.sampled_from(list(RepaymentMethod)))
    regular = LoanTerms(drawdowns=[(start, 1)], base_rates=[(start, Decimal(0))], payment_months=payment_months,
                        maturity_date=maturity).payment_dates()
    grace_months = draw(st.integers(0, max(0, term_months - 1))) if draw(st.booleans()) else 0
    grace_end = add_months(start, grace_months)
    if not any(day > grace_end for day in regular):
        grace_months, grace_end = 0, start
    later_limit = (maturity - start).days - 1
    if method is RepaymentMethod.custom:
        # the drawdowns come before the first repayment, so the table never repays more than is owed
        repaying = [day for day in regular if day > grace_end]
        chosen = sorted(draw(st.sets(st.sampled_from(repaying), min_size=1, max_size=min(8, len(repaying)))))
        later_limit = (chosen[0] - start).days - 1
    amounts = draw(st.lists(st.integers(1, 10**12), min_size=1, max_size=4))
    offsets = [0] + [draw(st.integers(0, max(0, later_limit))) for _ in amounts[1:]]
    drawdowns = [Drawdown(start + dt.timedelta(days=offset), amount) for offset, amount in zip(offsets, amounts)]
    resets = [RateReset(start - dt.timedelta(days=draw(st.integers(0, 30))),
                        draw(st.decimals(min_value=0, max_value=Decimal("0.08"), places=4)))]
    for _ in range(draw(st.integers(0, 3))):
        resets.append(RateReset(start + dt.timedelta(days=draw(st.integers(1, (maturity - start).days))),
                                draw(st.decimals(min_value=0, max_value=Decimal("0.08"), places=4))))
    if len({reset.effective_date for reset in resets}) != len(resets):
        resets = resets[:1]
    spread_bp = draw(st.integers(0, 300))
    custom = None
    if method is RepaymentMethod.custom:
        # the drawn total cut into as many positive repayments as there are cuts + 1, on the last chosen dates
        total = sum(amounts)
        cuts = []
        if total > 1:
            cuts = sorted(draw(st.lists(st.integers(1, total - 1), max_size=len(chosen) - 1, unique=True)))
        bounds = [0, *cuts, total]
        custom = list(zip(chosen[-len(bounds) + 1 :], (b - a for a, b in zip(bounds, bounds[1:]))))
    return LoanTerms(drawdowns=drawdowns, base_rates=resets, spread_bp=spread_bp, method=method,
                     payment_months=payment_months, grace_months=grace_months, maturity_date=maturity, custom=custom)


@properties
@given(loans())
def test_a_loan_repays_exactly_what_was_drawn_and_ends_at_zero(terms):
    rows = loan_schedule(terms)
    paid = [row for row in rows if row.note != NOTE_DRAWDOWN]
    assert sum(row.principal_fen for row in paid) == sum(row.drawn_fen for row in rows) == terms.drawn_fen
    assert rows[-1].balance_fen == 0 and rows[-1].date <= terms.maturity
    balance = 0
    for before, row in zip([None, *rows], rows):
        assert before is None or before.date <= row.date
        assert row.interest_fen >= 0 and row.principal_fen >= 0 and row.balance_fen >= 0
        assert row.payment_fen == row.interest_fen + row.principal_fen
        balance += row.drawn_fen - row.principal_fen
        assert row.balance_fen == balance
    years = totals_by_year(rows)
    assert sum(total.principal_fen for total in years.values()) == terms.drawn_fen
    assert sum(total.interest_fen for total in years.values()) == sum(row.interest_fen for row in paid)


@properties
@given(loans())
def test_principal_waits_for_the_grace_period(terms):
    if terms.method is RepaymentMethod.custom:
        return
    for row in loan_schedule(terms):
        if row.date <= terms.grace_end:
            assert row.principal_fen == 0


@properties
@given(loans(max_months=120))
def test_interval_accrual_equals_naive_day_by_day_act_360(terms):
    rows = loan_schedule(terms)
    spread = Fraction(terms.spread_bp, 10_000)
    reset_days = [reset.effective_date for reset in terms.base_rates]
    changes: dict[dt.date, int] = {}
    for row in rows:
        # a drawdown counts from its day; a repayment stops counting from its day
        changes[row.date] = changes.get(row.date, 0) + row.drawn_fen - row.principal_fen
    paid = {row.date: row for row in rows if row.note != NOTE_DRAWDOWN}
    day, balance, accrued = terms.start, 0, Fraction(0)
    while day <= rows[-1].date:
        if day in paid:
            assert paid[day].interest_fen == math.floor(accrued / 360 + Fraction(1, 2)), day
            accrued = Fraction(0)
        balance += changes.get(day, 0)
        rate = Fraction(terms.base_rates[bisect_right(reset_days, day) - 1].base_rate) + spread
        accrued += balance * rate
        day += dt.timedelta(days=1)


@properties
@given(loans())
def test_equal_principal_repays_the_same_amount_each_period_when_drawn_at_once(terms):
    if terms.method is not RepaymentMethod.equal_principal or len(terms.drawdowns) > 1:
        return
    repaying = [row for row in loan_schedule(terms) if row.date > terms.grace_end]
    first = repaying[0].principal_fen
    assert all(row.principal_fen == min(first, row.principal_fen + row.balance_fen) for row in repaying[:-1])
    assert abs(repaying[-1].principal_fen - first) <= len(repaying)


@properties
@given(
    face=st.integers(1, 10**13),
    rate=st.decimals(min_value=0, max_value=Decimal("0.1"), places=4),
    tenor=st.integers(1, 30),
    frequency=st.sampled_from(list(Frequency)),
    parts=st.lists(st.tuples(st.integers(1, 30), st.integers(1, 100)), max_size=6, unique_by=lambda part: part[0]),
)
def test_a_bond_repays_its_face_with_coupons_on_the_face_outstanding(face, rate, tenor, frequency, parts):
    parts = [(year, weight) for year, weight in parts if year <= tenor]
    principal = None
    if parts:
        weights = sum(weight for _, weight in parts)
        # integer amounts in proportion to the weights, the last taking the remainder
        amounts = [face * weight // weights for _, weight in parts]
        amounts[-1] += face - sum(amounts)
        principal = [(year, amount) for (year, _), amount in zip(parts, amounts) if amount > 0]
        if not principal:
            principal = None
    rows = bond_schedule(BondTerms(face, START, rate, tenor, frequency, principal))
    assert sum(row.principal_fen for row in rows) == face and rows[-1].balance_fen == 0
    outstanding = face
    for row in rows:
        exact = Fraction(outstanding) * Fraction(rate) / frequency.per_year
        assert row.interest_fen == math.floor(exact + Fraction(1, 2))
        outstanding -= row.principal_fen
        assert row.balance_fen == outstanding >= 0
    if principal is None:
        assert len(rows) == tenor * frequency.per_year
