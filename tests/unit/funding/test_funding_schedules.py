"""Schedules against tables worked out by hand (the arithmetic is in the comments, not in the code)."""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from funding.schedules import (
    NOTE_COUPON,
    NOTE_COUPON_AND_PRINCIPAL,
    NOTE_DRAWDOWN,
    NOTE_INTEREST_ONLY,
    NOTE_REPAYMENT,
    NOTE_REPAYMENT_RESET,
    BondTerms,
    Drawdown,
    Frequency,
    LoanTerms,
    PrincipalPart,
    RateReset,
    Repayment,
    RepaymentMethod,
    ScheduleRow,
    add_months,
    annuity_payment,
    bond_schedule,
    loan_schedule,
    totals_by_year,
)
from tracker.errors import Invalid

D = dt.date
YUAN = 100  # fen


def payments(rows: list[ScheduleRow]) -> list[ScheduleRow]:
    return [row for row in rows if row.note != NOTE_DRAWDOWN]


# --------------------------------------------------------------------------------------------------- bonds


def test_twenty_year_semi_annual_bullet_bond():
    # 100,000,000.00 yuan at 2.33 %, issued 15 Aug 2024, coupons 15 Feb / 15 Aug, principal at maturity.
    # Coupon = 100,000,000.00 × 0.0233 ÷ 2 = 2,330,000.00 ÷ 2 = 1,165,000.00, the same for the 184-day
    # half (Aug→Feb) and the 181/182-day half (Feb→Aug): the day count does not enter a bond coupon.
    # 20 years × 2 = 40 coupons; 40 × 1,165,000.00 = 46,600,000.00 of interest; the last row
    # (15 Aug 2044) also repays the 100,000,000.00.
    rows = bond_schedule(BondTerms(100_000_000 * YUAN, D(2024, 8, 15), Decimal("0.0233"), 20, Frequency.semi_annual))
    assert len(rows) == 40
    assert [row.date for row in rows[:4]] == [D(2025, 2, 15), D(2025, 8, 15), D(2026, 2, 15), D(2026, 8, 15)]
    assert rows[-1].date == D(2044, 8, 15)
    assert all(row.interest_fen == 1_165_000 * YUAN for row in rows)
    assert all(row.principal_fen == 0 and row.balance_fen == 100_000_000 * YUAN for row in rows[:-1])
    assert all(row.note == NOTE_COUPON and row.rate == Decimal("0.0233") for row in rows[:-1])
    last = rows[-1]
    assert (last.principal_fen, last.payment_fen, last.balance_fen) == (
        100_000_000 * YUAN,
        101_165_000 * YUAN,
        0,
    )
    assert last.note == NOTE_COUPON_AND_PRINCIPAL
    years = totals_by_year(rows)
    assert list(years) == list(range(2025, 2045))
    # each year two coupons: 2,330,000.00
    assert all(total.interest_fen == 2_330_000 * YUAN for total in years.values())
    assert years[2044] == (2_330_000 * YUAN, 100_000_000 * YUAN)
    assert sum(total.interest_fen for total in years.values()) == 46_600_000 * YUAN


def test_frequency_may_be_given_as_its_value():
    rows = bond_schedule(BondTerms(1_000 * YUAN, D(2025, 1, 10), Decimal("0.03"), 2, "annual"))
    # 1,000.00 × 3 % = 30.00 a year, two years
    assert [(row.date, row.interest_fen, row.principal_fen) for row in rows] == [
        (D(2026, 1, 10), 3_000, 0),
        (D(2027, 1, 10), 3_000, 100_000),
    ]


def test_annual_bond_with_principal_in_parts_pays_coupons_on_the_face_outstanding():
    # 50,000,000.00 at 3.00 % annual, 10 years, 20 % of the face repaid at the end of years 6 to 10.
    # Years 1–6: coupon on 50,000,000.00 = 1,500,000.00 (year 6 then repays 10,000,000.00);
    # year 7 on 40,000,000.00 = 1,200,000.00; year 8 on 30M = 900,000.00; year 9 on 20M = 600,000.00;
    # year 10 on 10M = 300,000.00. Interest: 6 × 1.5M + 1.2M + 0.9M + 0.6M + 0.3M = 12,000,000.00.
    parts = [PrincipalPart(year, share=Decimal("0.2")) for year in range(6, 11)]
    rows = bond_schedule(BondTerms(50_000_000 * YUAN, D(2025, 6, 30), Decimal("0.03"), 10, Frequency.annual, parts))
    assert [row.interest_fen // YUAN for row in rows] == [1_500_000] * 6 + [1_200_000, 900_000, 600_000, 300_000]
    assert [row.principal_fen // YUAN for row in rows] == [0] * 5 + [10_000_000] * 5
    assert [row.balance_fen // YUAN for row in rows][4:] == [50_000_000, 40_000_000, 30_000_000, 20_000_000,
                                                              10_000_000, 0]
    assert rows[5].note == NOTE_COUPON_AND_PRINCIPAL and rows[4].note == NOTE_COUPON
    assert sum(row.interest_fen for row in rows) == 12_000_000 * YUAN


def test_principal_parts_by_date_and_amount_and_shares_rounding_cumulatively():
    # Face 1.01 yuan = 101 fen, semi-annual 2 years at 0 %; parts 0.335 / 0.335 / 0.33 of the face.
    # Cumulative: 0.335 × 101 = 33.835 → 34; 0.67 × 101 = 67.67 → 68, so 68 − 34 = 34;
    # 1.00 × 101 = 101, so 101 − 68 = 33. 34 + 34 + 33 = 101 exactly.
    terms = BondTerms(101, D(2025, 1, 1), Decimal(0), 2, Frequency.semi_annual,
                      [(D(2025, 7, 1), Decimal("0.335")), (2, Decimal("0.33")), (D(2026, 1, 1), Decimal("0.335"))])
    assert [row.principal_fen for row in bond_schedule(terms)] == [34, 34, 0, 33]
    # Amounts and shares mixed: 60 fen on 1 Jan 2026, the rest (41 fen = share 41/101) is not a
    # finite decimal, so only amounts can say it; amounts adding to the face are taken as they are.
    terms = BondTerms(101, D(2025, 1, 1), Decimal(0), 2, Frequency.semi_annual,
                      [PrincipalPart(D(2026, 1, 1), amount_fen=60), PrincipalPart(2, amount_fen=41)])
    assert [row.principal_fen for row in bond_schedule(terms)] == [0, 60, 0, 41]


def test_coupon_rounds_half_up_once_per_row():
    # 1,000.01 yuan = 100,001 fen at 2.33 % semi-annual: 100,001 × 0.0233 ÷ 2 = 1,165.01165 fen → 1,165;
    # at 2.35 %: 100,001 × 0.0235 ÷ 2 = 1,175.011750 → 1,175; 10 fen at 5 %: 10 × 0.05 ÷ 2 = 0.25 → 0;
    # 10 fen at 10 %: 10 × 0.1 ÷ 2 = 0.5 → 1 (half-up).
    assert bond_schedule(BondTerms(100_001, D(2025, 1, 1), Decimal("0.0233"), 1, "semi_annual"))[0].interest_fen == 1165
    assert bond_schedule(BondTerms(100_001, D(2025, 1, 1), Decimal("0.0235"), 1, "semi_annual"))[0].interest_fen == 1175
    assert bond_schedule(BondTerms(10, D(2025, 1, 1), Decimal("0.05"), 1, "semi_annual"))[0].interest_fen == 0
    assert bond_schedule(BondTerms(10, D(2025, 1, 1), Decimal("0.1"), 1, "semi_annual"))[0].interest_fen == 1


def test_coupon_dates_at_the_end_of_a_month_keep_to_the_month_end():
    rows = bond_schedule(BondTerms(100, D(2024, 8, 31), Decimal("0.02"), 4, Frequency.semi_annual))
    assert [row.date for row in rows][:4] == [D(2025, 2, 28), D(2025, 8, 31), D(2026, 2, 28), D(2026, 8, 31)]
    assert rows[6].date == D(2028, 2, 29)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 12, 15), 1) == D(2025, 1, 15)
    assert add_months(D(2025, 3, 20), -15) == D(2023, 12, 20)


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"face_fen": 0}, "face_fen", "schedule.positive"),
        ({"annual_rate": Decimal("-0.01")}, "annual_rate", "schedule.rate"),
        ({"tenor_years": 0}, "tenor_years", "schedule.tenor"),
        ({"tenor_years": 51}, "tenor_years", "schedule.tenor"),
        ({"face_fen": 10**15 + 1}, "face_fen", "money.range"),
        ({"issue_date": D(1899, 12, 31)}, "issue_date", "schedule.date_range"),
        ({"frequency": "monthly"}, "frequency", "schedule.frequency"),
        ({"principal": []}, "principal", "schedule.principal_parts"),
        ({"principal": [(3, Decimal("0.5"))]}, "principal", "schedule.principal_total"),
        ({"principal": [(6, Decimal("1"))]}, "principal", "schedule.principal_year"),
        ({"principal": [(D(2026, 3, 1), Decimal("1"))]}, "principal", "schedule.principal_date"),
        ({"principal": [(1, Decimal("0.5")), (D(2026, 1, 1), Decimal("0.5"))]}, "principal",
         "schedule.principal_twice"),
        ({"principal": [(1, Decimal("1.5"))]}, "principal", "schedule.principal_share"),
        ({"principal": [(1, -5)]}, "principal", "schedule.principal_amount"),
    ],
)
def test_bad_bond_terms_are_refused_naming_the_field(kwargs, field, rule):
    terms = {"face_fen": 1_000_000, "issue_date": D(2025, 1, 1), "annual_rate": Decimal("0.03"),
             "tenor_years": 5, "frequency": Frequency.annual, "principal": None} | kwargs
    with pytest.raises(Invalid) as refused:
        BondTerms(**terms)  # the terms refuse themselves, before any schedule is drawn
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_principal_part_is_a_share_or_an_amount():
    for both_or_neither in ({"share": Decimal("0.5"), "amount_fen": 5}, {}):
        with pytest.raises(Invalid) as refused:
            PrincipalPart(1, **both_or_neither)
        assert (refused.value.field, refused.value.rule) == ("principal", "schedule.principal_part")


def test_bond_terms_refuse_floats():
    with pytest.raises(TypeError):
        BondTerms(1_000_000, D(2025, 1, 1), 0.03, 5, Frequency.annual)
    with pytest.raises(TypeError):
        BondTerms(1_000_000.0, D(2025, 1, 1), Decimal("0.03"), 5, Frequency.annual)
    with pytest.raises(TypeError):
        BondTerms(1_000_000, D(2025, 1, 1), Decimal("0.03"), 5, Frequency.annual, [(1, 0.5)])


# --------------------------------------------------------------------------------------------------- loans

# The 15-year loan: 120,000,000.00 yuan drawn 20 Mar 2025, LPR 3.50 % − 20 bp = 3.30 %, payments every
# six months on 20 Sep / 20 Mar, 3-year grace, equal principal, maturity 20 Mar 2040.
# Daily interest on 120,000,000.00: 120,000,000 × 0.033 ÷ 360 = 11,000.00 exactly.
# Days: Mar 20 → Sep 20 = 184; Sep 20 → Mar 20 = 181, or 182 when it holds a 29 Feb (2028, 2032, 2036, 2040).
# Grace: payment dates up to 20 Mar 2028 (first drawdown + 36 months) pay interest only:
#   2025-09-20 184 d 2,024,000.00 | 2026-03-20 181 d 1,991,000.00 | 2026-09-20 2,024,000.00
#   2027-03-20 181 d 1,991,000.00 | 2027-09-20 2,024,000.00       | 2028-03-20 182 d 2,002,000.00
#   = 11,000 × 1,096 days = 12,056,000.00.
# Repayment: 24 half-years from 20 Sep 2028 to 20 Mar 2040; 120,000,000.00 ÷ 24 = 5,000,000.00 each.
# Period k (1..24) accrues on (25 − k) × 5,000,000.00; 5,000,000 × 0.033 ÷ 360 = 458⅓ a day, so
# interest_k = (25 − k) × days_k × 1,375 ÷ 3 yuan:
#   k=1  2028-09-20: 24 × 184 × 1375/3 = 2,024,000.00, balance 115,000,000.00
#   k=2  2029-03-20: 23 × 181 × 1375/3 = 5,724,125/3 = 1,908,041.666… → 1,908,041.67, balance 110,000,000.00
#   k=3  2029-09-20: 22 × 184 × 1375/3 = 5,566,000/3 = 1,855,333.333… → 1,855,333.33
#   k=24 2040-03-20: 1 × 182 × 1375/3 = 250,250/3 = 83,416.666… → 83,416.67, principal 5,000,000.00, balance 0
# Sum of (25 − k) × days_k: odd k (184 days) 24+22+…+2 = 156 → 28,704; even k 23+21+…+1 = 144 → × 181
# = 26,064, plus one more day for k = 8, 16, 24 (leap Marches: 17 + 9 + 1 = 27) → 26,091; total 54,795.
# Exact interest 54,795 × 1,375 ÷ 3 = 25,114,375.00; each row is off by at most ⅓ fen and the rows
# rounding down (residue ⅓) are exactly as many as those rounding up (residue ⅔), so the rounded rows
# also sum to 25,114,375.00. Life total: 12,056,000.00 + 25,114,375.00 = 37,170,375.00.
FIFTEEN_YEARS = {
    "drawdowns": [Drawdown(D(2025, 3, 20), 120_000_000 * YUAN)],
    "base_rates": [RateReset(D(2024, 10, 21), Decimal("0.035"))],
    "spread_bp": -20,
    "method": RepaymentMethod.equal_principal,
    "payment_months": 6,
    "grace_months": 36,
    "term_months": 180,
}


def test_fifteen_year_loan_with_three_year_grace_and_equal_principal():
    rows = loan_schedule(LoanTerms(**FIFTEEN_YEARS))
    assert rows[0] == ScheduleRow(D(2025, 3, 20), 0, 0, 0, 120_000_000 * YUAN, Decimal("0.0330"), NOTE_DRAWDOWN,
                                  120_000_000 * YUAN)
    paid = payments(rows)
    assert len(paid) == 30
    grace = [(row.date, row.interest_fen, row.principal_fen) for row in paid[:6]]
    assert grace == [
        (D(2025, 9, 20), 2_024_000_00, 0),
        (D(2026, 3, 20), 1_991_000_00, 0),
        (D(2026, 9, 20), 2_024_000_00, 0),
        (D(2027, 3, 20), 1_991_000_00, 0),
        (D(2027, 9, 20), 2_024_000_00, 0),
        (D(2028, 3, 20), 2_002_000_00, 0),
    ]
    assert all(row.note == NOTE_INTEREST_ONLY for row in paid[:6])
    assert (paid[6].date, paid[6].interest_fen, paid[6].principal_fen, paid[6].balance_fen) == (
        D(2028, 9, 20), 2_024_000_00, 5_000_000_00, 115_000_000_00)
    assert (paid[7].date, paid[7].interest_fen, paid[7].payment_fen, paid[7].balance_fen) == (
        D(2029, 3, 20), 1_908_041_67, 6_908_041_67, 110_000_000_00)
    assert (paid[8].date, paid[8].interest_fen) == (D(2029, 9, 20), 1_855_333_33)
    assert all(row.principal_fen == 5_000_000_00 and row.note == NOTE_REPAYMENT for row in paid[6:])
    assert (paid[-1].date, paid[-1].interest_fen, paid[-1].payment_fen, paid[-1].balance_fen) == (
        D(2040, 3, 20), 83_416_67, 5_083_416_67, 0)
    years = totals_by_year(rows)
    assert years[2025] == (2_024_000_00, 0)
    assert years[2028] == (2_002_000_00 + 2_024_000_00, 5_000_000_00)
    assert years[2040] == (83_416_67, 5_000_000_00)
    assert sum(total.interest_fen for total in years.values()) == 37_170_375_00
    assert sum(total.principal_fen for total in years.values()) == 120_000_000_00


def test_an_lpr_reset_mid_period_splits_the_interest_at_its_effective_date():
    # The 15-year loan with the LPR down to 3.10 % from 23 May 2030 (rate 3.10 − 0.20 = 2.90 %).
    # Period 20 Mar 2030 → 20 Sep 2030 (184 days) on 100,000,000.00 (after four repayments):
    #   20 Mar → 23 May = 11 + 30 + 23 = 64 days at 3.30 %: 3,300,000 × 64 ÷ 360 = 586,666.666…
    #   23 May → 20 Sep = 8 + 30 + 31 + 31 + 20 = 120 days at 2.90 %: 2,900,000 × 120 ÷ 360 = 966,666.666…
    #   together 1,553,333.333… → 1,553,333.33 (rounded once; rounding each part would give .34).
    # Next period 20 Sep 2030 → 20 Mar 2031, 181 days on 95,000,000.00 at 2.90 %:
    #   2,755,000 × 181 ÷ 360 = 1,385,152.777… → 1,385,152.78.
    # The period before (20 Sep 2029 → 20 Mar 2030, 181 days on 105,000,000.00) is all at 3.30 %:
    #   3,465,000 × 181 ÷ 360 = 1,742,125.00.
    terms = FIFTEEN_YEARS | {"base_rates": [RateReset(D(2024, 10, 21), Decimal("0.035")),
                                            RateReset(D(2030, 5, 23), Decimal("0.031"))]}
    paid = {row.date: row for row in payments(loan_schedule(LoanTerms(**terms)))}
    before, split, after = paid[D(2030, 3, 20)], paid[D(2030, 9, 20)], paid[D(2031, 3, 20)]
    assert (before.interest_fen, before.rate, before.note) == (1_742_125_00, Decimal("0.0330"), NOTE_REPAYMENT)
    assert (split.interest_fen, split.principal_fen, split.rate) == (1_553_333_33, 5_000_000_00, Decimal("0.0290"))
    assert split.note == NOTE_REPAYMENT_RESET
    assert (after.interest_fen, after.rate, after.note) == (1_385_152_78, Decimal("0.0290"), NOTE_REPAYMENT)


def test_a_reset_on_a_payment_date_applies_to_the_period_it_starts():
    # Reset effective 20 Mar 2030: the period ending that day is all at 3.30 % (1,742,125.00 above), the
    # next (184 days on 100,000,000.00) all at 2.90 %: 2,900,000 × 184 ÷ 360 = 1,482,222.222… → 1,482,222.22.
    terms = FIFTEEN_YEARS | {"base_rates": [RateReset(D(2024, 10, 21), Decimal("0.035")),
                                            RateReset(D(2030, 3, 20), Decimal("0.031"))]}
    paid = {row.date: row for row in payments(loan_schedule(LoanTerms(**terms)))}
    assert (paid[D(2030, 3, 20)].interest_fen, paid[D(2030, 3, 20)].note) == (1_742_125_00, NOTE_REPAYMENT)
    assert (paid[D(2030, 9, 20)].interest_fen, paid[D(2030, 9, 20)].note) == (1_482_222_22, NOTE_REPAYMENT)


def _half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _annuity(balance: int, period_rate: Fraction, periods: int) -> int:
    """The annuity formula in exact fractions, independent of the module's Decimal arithmetic."""
    return _half_up(balance * period_rate / (1 - (1 + period_rate) ** -periods))


# A 12-month loan of 1,200,000.00 yuan drawn 15 Jan 2025, LPR 3.95 % + 25 bp = 4.20 %, monthly, equal
# instalments. Period rate r = 4.20 % ÷ 12 = 0.35 %; instalment = B·r ÷ (1 − (1 + r)^−12)
# = 120,000,000 fen × 0.0035 ÷ (1 − 1.0035^−12) = 10,228,957.19998… fen → 102,289.57 yuan.
# Row 1 (15 Jan → 15 Feb, 31 days): interest 1,200,000 × 0.042 × 31 ÷ 360 = 4,340.00;
#   principal 102,289.57 − 4,340.00 = 97,949.57; balance 1,102,050.43.
# Row 2 (28 days): 1,102,050.43 × 0.042 × 28 ÷ 360 = 3,600.031404… → 3,600.03;
#   principal 102,289.57 − 3,600.03 = 98,689.54; balance 1,003,360.89.
INSTALMENTS = {
    "drawdowns": [Drawdown(D(2025, 1, 15), 1_200_000 * YUAN)],
    "base_rates": [RateReset(D(2024, 10, 21), Decimal("0.0395"))],
    "spread_bp": 25,
    "method": RepaymentMethod.equal_instalment,
    "payment_months": 1,
    "maturity_date": D(2026, 1, 15),
}


def test_equal_instalment_matches_the_annuity_formula():
    assert _annuity(120_000_000, Fraction(35, 10_000), 12) == 10_228_957
    assert annuity_payment(120_000_000, Decimal("0.0035"), 12) == 10_228_957
    paid = payments(loan_schedule(LoanTerms(**INSTALMENTS)))
    assert len(paid) == 12
    assert (paid[0].date, paid[0].interest_fen, paid[0].principal_fen, paid[0].balance_fen) == (
        D(2025, 2, 15), 434_000, 9_794_957, 110_205_043)
    assert (paid[1].date, paid[1].interest_fen, paid[1].principal_fen, paid[1].balance_fen) == (
        D(2025, 3, 15), 360_003, 9_868_954, 100_336_089)
    assert all(row.payment_fen == 10_228_957 for row in paid[:-1])
    # The last pays what is left: the balance after row 11 plus its own interest.
    assert paid[-1].principal_fen == paid[-2].balance_fen and paid[-1].balance_fen == 0
    assert paid[-1].payment_fen == paid[-1].principal_fen + paid[-1].interest_fen
    assert sum(row.principal_fen for row in paid) == 120_000_000


def test_equal_instalment_is_recomputed_after_a_reset_for_the_balance_and_periods_left():
    # LPR 3.65 % from 1 Apr 2025 (rate 3.90 %). Period 3 (15 Mar → 15 Apr, 31 days) on 1,003,360.89:
    #   17 days at 4.20 %: 100,336,089 × 0.042 = 4,214,115.738; × 17 ÷ 360 = 198,999.90985 fen
    #   14 days at 3.90 %: 100,336,089 × 0.039 = 3,913,107.471; × 14 ÷ 360 = 152,176.40165 fen
    #   together 351,176.3115 → 3,511.76; its instalment is still 102,289.57 (set at the period's start).
    # From period 4 the instalment is the annuity of the balance left over 9 periods at 3.90 % ÷ 12.
    terms = INSTALMENTS | {"base_rates": [RateReset(D(2024, 10, 21), Decimal("0.0395")),
                                          RateReset(D(2025, 4, 1), Decimal("0.0365"))]}
    paid = payments(loan_schedule(LoanTerms(**terms)))
    assert paid[2].interest_fen == 351_176
    assert paid[2].payment_fen == 10_228_957 and paid[2].note == NOTE_REPAYMENT_RESET
    balance = paid[2].balance_fen
    assert balance == 100_336_089 - (10_228_957 - 351_176)
    instalment = _annuity(balance, Fraction(39, 1000) / 12, 9)
    assert all(row.payment_fen == instalment for row in paid[3:-1])
    assert instalment != 10_228_957


def test_equal_instalment_with_grace_pays_interest_then_the_annuity_over_the_periods_after_it():
    # 6 quarterly periods, 2 of grace: the instalment is the annuity of 1,200,000.00 over 4 quarters at
    # 4.20 % ÷ 12 × 3 = 1.05 %.
    terms = INSTALMENTS | {"payment_months": 3, "grace_months": 6, "maturity_date": D(2026, 7, 15)}
    paid = payments(loan_schedule(LoanTerms(**terms)))
    assert [row.principal_fen for row in paid[:2]] == [0, 0]
    # 15 Jan → 15 Apr = 90 days: 1,200,000 × 0.042 × 90 ÷ 360 = 12,600.00
    assert paid[0].interest_fen == 1_260_000
    assert all(row.payment_fen == _annuity(120_000_000, Fraction(105, 10_000), 4) for row in paid[2:-1])
    assert len(paid) == 6 and paid[-1].balance_fen == 0


def test_custom_table_with_two_drawdowns():
    # 50,000,000.00 drawn 10 Jan 2025 and 30,000,000.00 on 10 Jul 2025; 3.00 % flat (LPR 3.00 %, no
    # spread); payments every 6 months from 10 Jul 2025; maturity 10 Jan 2027; the contract's table
    # repays 20,000,000.00 on 10 Jan 2026 and 60,000,000.00 on 10 Jan 2027.
    # 10 Jan → 10 Jul 2025 (181 days) on 50M: 1,500,000 × 181 ÷ 360 = 754,166.666… → 754,166.67.
    # The second drawdown is on the payment date: it accrues from that day into the next period.
    # 10 Jul 2025 → 10 Jan 2026 (184 days) on 80M: 2,400,000 × 184 ÷ 360 = 1,226,666.666… → 1,226,666.67,
    #   then 20,000,000.00 repaid: balance 60,000,000.00.
    # 10 Jan → 10 Jul 2026 (181 days) on 60M: 1,800,000 × 181 ÷ 360 = 905,000.00, no principal.
    # 10 Jul 2026 → 10 Jan 2027 (184 days) on 60M: 1,800,000 × 184 ÷ 360 = 920,000.00 + 60,000,000.00.
    terms = LoanTerms(
        drawdowns=[(D(2025, 1, 10), 50_000_000_00), (D(2025, 7, 10), 30_000_000_00)],
        base_rates=[(D(2025, 1, 1), Decimal("0.03"))],
        method="custom",
        payment_months=6,
        maturity_date=D(2027, 1, 10),
        custom=[(D(2027, 1, 10), 60_000_000_00), (D(2026, 1, 10), 20_000_000_00)],
    )
    rows = loan_schedule(terms)
    assert [(row.date, row.note, row.interest_fen, row.principal_fen, row.drawn_fen, row.balance_fen)
            for row in rows] == [
        (D(2025, 1, 10), NOTE_DRAWDOWN, 0, 0, 50_000_000_00, 50_000_000_00),
        (D(2025, 7, 10), NOTE_INTEREST_ONLY, 754_166_67, 0, 0, 50_000_000_00),
        (D(2025, 7, 10), NOTE_DRAWDOWN, 0, 0, 30_000_000_00, 80_000_000_00),
        (D(2026, 1, 10), NOTE_REPAYMENT, 1_226_666_67, 20_000_000_00, 0, 60_000_000_00),
        (D(2026, 7, 10), NOTE_INTEREST_ONLY, 905_000_00, 0, 0, 60_000_000_00),
        (D(2027, 1, 10), NOTE_REPAYMENT, 920_000_00, 60_000_000_00, 0, 0),
    ]


def test_a_custom_repayment_off_the_regular_dates_is_a_payment_date_of_its_own():
    # 1,000,000.00 drawn 1 Jan 2025 at 3.60 % (a day: 1,000,000 × 0.036 ÷ 360 = 100.00), payments
    # yearly, maturity 1 Jan 2027; the table repays 400,000.00 on 1 Apr 2025 and 600,000.00 on 1 Jan 2027.
    # 1 Jan → 1 Apr 2025 = 90 days: 9,000.00; then 600,000.00 owed: 60.00 a day;
    # 1 Apr 2025 → 1 Jan 2026 = 275 days: 16,500.00; 1 Jan 2026 → 1 Jan 2027 = 365 days: 21,900.00.
    terms = LoanTerms(drawdowns=[(D(2025, 1, 1), 1_000_000_00)], base_rates=[(D(2025, 1, 1), Decimal("0.036"))],
                      method=RepaymentMethod.custom, payment_months=12, term_months=24,
                      custom=[Repayment(D(2025, 4, 1), 400_000_00), Repayment(D(2027, 1, 1), 600_000_00)])
    paid = payments(loan_schedule(terms))
    assert [(row.date, row.interest_fen, row.principal_fen) for row in paid] == [
        (D(2025, 4, 1), 9_000_00, 400_000_00),
        (D(2026, 1, 1), 16_500_00, 0),
        (D(2027, 1, 1), 21_900_00, 600_000_00),
    ]


def test_a_drawdown_mid_period_splits_the_accrual_and_spreads_over_the_periods_left():
    # 600,000.00 drawn 1 Jan 2025, 400,000.00 on 1 Mar 2025; 3.60 % (1,000,000.00 earns 100.00 a day);
    # quarterly from 1 Apr 2025, no grace, equal principal, maturity 1 Jan 2026 (4 periods).
    # Period 1: 1 Jan → 1 Mar 59 days on 600,000 (60.00 a day) = 3,540.00, 1 Mar → 1 Apr 31 days on
    #   1,000,000 = 3,100.00: 6,640.00. The principal a period was set at the period's start from
    #   600,000 ÷ 4 = 150,000.00; after the drawdown it is recomputed at the next period's start:
    #   balance 850,000.00 ÷ 3 = 283,333.333… → 283,333.33, twice; the last repays 283,333.34.
    terms = LoanTerms(drawdowns=[(D(2025, 1, 1), 600_000_00), (D(2025, 3, 1), 400_000_00)],
                      base_rates=[(D(2025, 1, 1), Decimal("0.036"))], payment_months=3,
                      maturity_date=D(2026, 1, 1))
    rows = loan_schedule(terms)
    assert [row.note for row in rows[:3]] == [NOTE_DRAWDOWN, NOTE_DRAWDOWN, NOTE_REPAYMENT]
    paid = payments(rows)
    assert (paid[0].interest_fen, paid[0].principal_fen, paid[0].balance_fen) == (6_640_00, 150_000_00, 850_000_00)
    assert [row.principal_fen for row in paid[1:]] == [283_333_33, 283_333_33, 283_333_34]


def test_first_payment_date_and_a_short_last_period():
    # Drawn 5 Jan 2025, quarterly on the 20th of the quarter's last month from 20 Mar 2025, maturity
    # 5 Jan 2026: dates 20 Mar, 20 Jun, 20 Sep, 20 Dec 2025, then 5 Jan 2026 (16 days).
    terms = LoanTerms(drawdowns=[(D(2025, 1, 5), 3_600_000_00)], base_rates=[(D(2025, 1, 1), Decimal("0.036"))],
                      payment_months=3, first_date=D(2025, 3, 20), maturity_date=D(2026, 1, 5))
    paid = payments(loan_schedule(terms))
    assert [row.date for row in paid] == [D(2025, 3, 20), D(2025, 6, 20), D(2025, 9, 20), D(2025, 12, 20),
                                          D(2026, 1, 5)]
    # 3,600,000.00 × 0.036 ÷ 360 = 360.00 a day; 5 Jan → 20 Mar = 74 days: 26,640.00; 5 equal parts of 720,000.00
    assert paid[0].interest_fen == 26_640_00
    assert all(row.principal_fen == 720_000_00 for row in paid)
    # the short last period: 16 days on 720,000.00 (72.00 a day) = 1,152.00
    assert paid[-1].interest_fen == 1_152_00


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"drawdowns": []}, "drawdowns", "schedule.drawdowns"),
        ({"drawdowns": [(D(2025, 3, 20), 0)]}, "drawdowns", "schedule.positive"),
        ({"drawdowns": [(D(2025, 3, 20), 100), (D(2040, 3, 20), 100)]}, "drawdowns",
         "schedule.drawdown_after_maturity"),
        ({"base_rates": []}, "base_rates", "schedule.base_rate_start"),
        ({"base_rates": [(D(2025, 3, 21), Decimal("0.035"))]}, "base_rates", "schedule.base_rate_start"),
        ({"base_rates": [(D(2025, 1, 1), Decimal("0.035")), (D(2025, 1, 1), Decimal("0.03"))]}, "base_rates",
         "schedule.base_rate_twice"),
        ({"spread_bp": -400}, "spread_bp", "schedule.rate"),
        ({"method": "balloon"}, "method", "schedule.method"),
        ({"payment_months": 2}, "payment_months", "schedule.payment_months"),
        ({"grace_months": -1}, "grace_months", "schedule.grace"),
        ({"grace_months": 10**9}, "grace_months", "schedule.grace"),
        ({"grace_months": 180}, "grace_months", "schedule.grace"),
        ({"maturity_date": D(2040, 3, 20)}, "maturity_date", "schedule.maturity"),
        ({"term_months": None}, "maturity_date", "schedule.maturity"),
        ({"term_months": 0}, "term_months", "schedule.maturity"),
        ({"term_months": 601}, "term_months", "schedule.maturity"),
        ({"term_months": None, "maturity_date": D(2075, 3, 21)}, "maturity_date", "schedule.maturity"),
        ({"drawdowns": [(D(2200, 1, 1), 100)]}, "drawdowns", "schedule.date_range"),
        ({"drawdowns": [(D(2025, 3, 20), 10**15 + 1)]}, "drawdowns", "money.range"),
        ({"first_date": D(2025, 3, 20)}, "first_date", "schedule.first_date"),
        ({"first_date": D(2041, 1, 1)}, "first_date", "schedule.first_date"),
        ({"custom": [(D(2030, 3, 20), 100)]}, "custom", "schedule.custom_method"),
        ({"method": "custom"}, "custom", "schedule.custom"),
        ({"method": "custom", "custom": [(D(2030, 3, 20), 100)]}, "custom", "schedule.custom_total"),
        ({"method": "custom", "custom": [(D(2027, 3, 20), 120_000_000_00)]}, "custom", "schedule.custom_date"),
        ({"method": "custom", "custom": [(D(2030, 3, 20), 60_000_000_00), (D(2030, 3, 20), 60_000_000_00)]},
         "custom", "schedule.custom_twice"),
        ({"method": "custom", "custom": [(D(2030, 3, 20), 0)]}, "custom", "schedule.positive"),
    ],
)
def test_bad_loan_terms_are_refused_naming_the_field(changes, field, rule):
    with pytest.raises(Invalid) as refused:
        LoanTerms(**(FIFTEEN_YEARS | changes))
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_custom_repayment_beyond_the_balance_then_owed_is_refused():
    # 100.00 drawn now and 100.00 later; repaying 150.00 before the second drawdown is more than is owed.
    terms = {"drawdowns": [(D(2025, 1, 1), 100_00), (D(2025, 9, 1), 100_00)],
             "base_rates": [(D(2025, 1, 1), Decimal("0.03"))], "method": "custom", "payment_months": 3,
             "term_months": 24}
    with pytest.raises(Invalid) as refused:
        LoanTerms(**terms, custom=[(D(2025, 4, 1), 150_00), (D(2026, 1, 1), 50_00)])
    assert (refused.value.field, refused.value.rule) == ("custom", "schedule.custom_balance")
    # on the second drawdown's own day its amount is not yet owed: the day's payment comes first
    with pytest.raises(Invalid) as refused:
        LoanTerms(**terms, custom=[(D(2025, 9, 1), 150_00), (D(2026, 1, 1), 50_00)])
    assert refused.value.rule == "schedule.custom_balance"
    rows = loan_schedule(LoanTerms(**terms, custom=[(D(2025, 9, 1), 100_00), (D(2026, 1, 1), 100_00)]))
    assert [(row.date, row.principal_fen, row.drawn_fen, row.balance_fen) for row in rows if row.date.month == 9] == [
        (D(2025, 9, 1), 100_00, 0, 0), (D(2025, 9, 1), 0, 100_00, 100_00)]


def test_loan_terms_refuse_floats():
    with pytest.raises(TypeError):
        LoanTerms(**(FIFTEEN_YEARS | {"base_rates": [(D(2025, 1, 1), 0.035)]}))
    with pytest.raises(TypeError):
        LoanTerms(**(FIFTEEN_YEARS | {"drawdowns": [(D(2025, 3, 20), 1e6)]}))
    with pytest.raises(TypeError):
        LoanTerms(**(FIFTEEN_YEARS | {"spread_bp": 20.0}))
    with pytest.raises(TypeError):
        LoanTerms(**(FIFTEEN_YEARS | {"drawdowns": [(dt.datetime(2025, 3, 20), 100)]}))
