"""Tier pricing and true-up against hand-worked settlements (../shared/reference/handover.md figures)."""

from decimal import Decimal as D

import pytest

from tracker.errors import Conflict
from tracker.handover.pricing import Terms, fen, price, quota_area, true_up

# 50 m² a person; first 15 m² over at 4,000 元/m², 15–30 m² over at 1.5× (6,000 元/m²); shortfall 3,000 元/m².
TERMS = Terms(quota_m2_per_person=D("50"), base_price_fen=4_000_00, tier1_m2=D("15"), tier2_m2=D("30"),
              tier2_factor=D("1.5"), shortfall_price_fen=3_000_00)


def test_quota_is_persons_times_area_per_person():
    assert quota_area(3, TERMS) == D("150.00")


def test_within_first_tier():
    # 160.50 m² for a 150 m² quota: 10.50 m² × 4,000 = 42,000.00 元
    result = price(D("150"), D("160.50"), TERMS)
    assert [(s.area, s.price_fen, s.amount_fen) for s in result.steps] == [(D("10.50"), 4_000_00, 42_000_00)]
    assert result.total_fen == 42_000_00


def test_both_tiers():
    # 172.35 m² for 150: 15 × 4,000 = 60,000.00; 7.35 × 6,000 = 44,100.00; total 104,100.00 元
    result = price(D("150"), D("172.35"), TERMS)
    assert [s.amount_fen for s in result.steps] == [60_000_00, 44_100_00]
    assert result.total_fen == 104_100_00


def test_exactly_thirty_over_is_allowed_and_a_fen_more_is_not():
    assert price(D("150"), D("180.00"), TERMS).total_fen == 60_000_00 + 90_000_00
    with pytest.raises(Conflict) as refused:
        price(D("150"), D("180.01"), TERMS)
    assert refused.value.rule == "overage_beyond_limit"


def test_shortfall_is_refunded():
    # 142.27 m² for 150: 7.73 × 3,000 = 23,190.00 元 refunded
    assert price(D("150"), D("142.27"), TERMS).total_fen == -23_190_00


def test_exact_quota_costs_nothing():
    assert price(D("150"), D("150.00"), TERMS).steps == ()


def test_true_up_on_the_surveyed_area():
    # Contract 160.50 (10.50 over), surveyed 161.20 (11.20 over): 0.70 × 4,000 = 2,800.00 元 to collect
    assert true_up(D("150"), D("160.50"), D("161.20"), TERMS) == 2_800_00
    # Surveyed smaller, crossing the tier: contract 166.00 (15 + 1 at 6,000), surveyed 164.00 (14 at 4,000)
    # 66,000.00 → 56,000.00: refund 10,000.00 元
    assert true_up(D("150"), D("166.00"), D("164.00"), TERMS) == -10_000_00
    # Surveyed beyond the limit is priced on the second tier, never refused
    assert true_up(D("150"), D("180.00"), D("180.40"), TERMS) == 2_400_00


def test_rounding_is_half_up_per_step():
    odd = Terms(D("50"), 3_333, D("15"), D("30"), D("1.5"), 3_333)
    # 0.05 m² × 33.33 元 = 1.6665 元 = 166.65 fen → 167 fen
    assert price(D("150"), D("150.05"), odd).total_fen == 167
    assert fen(D("-0.5")) == -1 and fen(D("0.5")) == 1 and fen(D("0.4999")) == 0
