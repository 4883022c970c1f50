"""Coverage of self-balancing special bonds at its boundaries, by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from funding.schedules import BondTerms, Frequency, LoanTerms, bond_schedule, coverage, loan_schedule
from tracker.errors import Invalid

D = dt.date
YUAN = 100

# 10,000,000.00 at 3.00 % annual, two years, bullet, issued 1 Jan 2025:
# 1 Jan 2026 coupon 300,000.00; 1 Jan 2027 coupon 300,000.00 + principal 10,000,000.00.
# Debt service D = 10,600,000.00; floor 1.1 × D = 11,660,000.00; stress floor 1.0 × D = 10,600,000.00.
ROWS = bond_schedule(BondTerms(10_000_000 * YUAN, D(2025, 1, 1), Decimal("0.03"), 2, Frequency.annual))


def test_revenue_of_exactly_one_point_one_times_debt_service_passes():
    result = coverage({2026: 6_000_000 * YUAN, 2027: 5_660_000 * YUAN}, ROWS)
    assert result.debt_service_fen == 10_600_000 * YUAN
    assert result.revenue_fen == result.net_fen == 11_660_000 * YUAN
    assert result.ratio == Decimal("1.1000") and result.passes
    # stress: 11,660,000 × 0.9 = 10,494,000.00 < 10,600,000.00 → 0.99
    assert result.stress_net_fen == 10_494_000 * YUAN
    assert result.stress_ratio == Decimal("0.9900") and not result.stress_passes
    assert (result.floor, result.stress_floor, result.through_year) == (Decimal("1.1"), Decimal("1.0"), 2027)


def test_one_fen_short_fails_though_the_shown_ratio_rounds_to_the_floor():
    # 11,659,999.99 ÷ 10,600,000.00 = 1.0999999… which shows as 1.1000, yet it is below 1.1.
    result = coverage({2026: 6_000_000 * YUAN, 2027: 5_660_000 * YUAN - 1}, ROWS)
    assert result.ratio == Decimal("1.1000")
    assert not result.passes


def test_stress_case_exactly_at_its_floor_passes():
    # Revenue 13,000,000.00, operating costs 1,000,000.00: net 12,000,000.00 → 12 ÷ 10.6 = 1.13207… → 1.1321.
    # Stress: 13,000,000 × 0.9 − 1,000,000 × 1.1 = 11,700,000 − 1,100,000 = 10,600,000.00 = D → 1.0000, passes.
    result = coverage({2025: 3_000_000 * YUAN, 2026: 5_000_000 * YUAN, 2027: 5_000_000 * YUAN}, ROWS,
                      {2026: 500_000 * YUAN, 2027: 500_000 * YUAN})
    assert (result.revenue_fen, result.cost_fen, result.net_fen) == (13_000_000_00, 1_000_000_00, 12_000_000_00)
    assert result.ratio == Decimal("1.1321") and result.passes
    assert result.stress_net_fen == 10_600_000_00
    assert result.stress_ratio == Decimal("1.0000") and result.stress_passes
    # One fen more of cost: 1,000,000.01 × 1.1 = 1,100,000.011; stress net 10,599,999.989 < D, so it fails.
    short = coverage({2025: 3_000_000 * YUAN, 2026: 5_000_000 * YUAN, 2027: 5_000_000 * YUAN}, ROWS,
                     {2026: 500_000 * YUAN + 1, 2027: 500_000 * YUAN})
    assert short.passes and not short.stress_passes


def test_income_after_the_last_payment_does_not_count():
    result = coverage({2026: 6_000_000 * YUAN, 2027: 5_660_000 * YUAN, 2028: 50_000_000 * YUAN}, ROWS,
                      {2028: 1 * YUAN})
    assert (result.revenue_fen, result.cost_fen, result.through_year) == (11_660_000_00, 0, 2027)


def test_floors_and_stresses_are_configurable():
    # Floor 1.2 needs 12,720,000.00; stress revenue −20 % and floor 0.8: 11,660,000 × 0.8 = 9,328,000.00
    # ≥ 0.8 × 10,600,000 = 8,480,000.00.
    result = coverage({2027: 11_660_000 * YUAN}, ROWS, floor=Decimal("1.2"), stress_revenue=Decimal("-0.2"),
                      stress_floor=Decimal("0.8"))
    assert not result.passes
    assert result.stress_net_fen == 9_328_000_00 and result.stress_passes


def test_loan_rows_count_payments_not_drawdowns():
    # 1,000,000.00 drawn 1 Jan 2025 at 3.60 % (100.00 a day), one yearly payment on 1 Jan 2026 (365 days):
    # interest 36,500.00 + principal 1,000,000.00 = 1,036,500.00 of debt service.
    rows = loan_schedule(LoanTerms(drawdowns=[(D(2025, 1, 1), 1_000_000_00)],
                                   base_rates=[(D(2025, 1, 1), Decimal("0.036"))], payment_months=12,
                                   term_months=12))
    result = coverage({2026: 1_140_150_00}, rows)  # 1.1 × 1,036,500.00 = 1,140,150.00
    assert result.debt_service_fen == 1_036_500_00
    assert result.ratio == Decimal("1.1000") and result.passes


def test_nothing_owed_has_no_ratio_and_passes():
    result = coverage({2026: 5}, [])
    assert result.ratio is None and result.stress_ratio is None
    assert result.passes and result.stress_passes and result.through_year is None


def test_bad_figures_are_refused():
    with pytest.raises(Invalid) as refused:
        coverage({2026: -1}, ROWS)
    assert refused.value.field == "revenues_by_year"
    with pytest.raises(Invalid) as refused:
        coverage({2026: 1}, ROWS, {2026: -1})
    assert refused.value.field == "costs_by_year"
    with pytest.raises(TypeError):
        coverage({2026: 1.5}, ROWS)
    with pytest.raises(TypeError):
        coverage({2026: 1}, ROWS, floor=1.1)
    with pytest.raises(TypeError):
        coverage({2026: 1}, ROWS, stress_cost=0.1)
