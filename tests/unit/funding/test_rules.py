"""The rules of use of public money: each refusal names its rule, exactly at its boundary."""

from __future__ import annotations

from fractions import Fraction

import pytest

from funding.kinds import ContributionBasis, SourceKind, Use
from funding.rules import (
    DEFAULT_ALLOWED_USES,
    SPECIAL_BOND_NEGATIVE_LIST,
    Proposal,
    allocation_breach,
    capital_share_breach,
    contribution_due,
    percent,
    source_uses_breach,
)


def proposal(kind=SourceKind.local_budget, use=Use.construction, amount=100, allowed=None, **totals) -> Proposal:
    return Proposal(kind=kind, allowed=frozenset(allowed if allowed is not None else DEFAULT_ALLOWED_USES[kind]),
                    use=use, amount_fen=amount, **totals)


@pytest.mark.parametrize("use", sorted(SPECIAL_BOND_NEGATIVE_LIST))
def test_special_bonds_never_pay_for_the_negative_list_whatever_the_source_allows(use):
    breach = allocation_breach(proposal(SourceKind.special_bond, use, allowed=set(Use)))
    assert breach is not None and breach.rule == "special_bond_negative_list"
    assert use.value in breach.params["uses"]
    assert source_uses_breach(SourceKind.special_bond, [Use.construction, use]).rule == "special_bond_negative_list"
    # Another kind may be allowed the same use (a city budget may pay a project office's wages).
    assert allocation_breach(proposal(SourceKind.local_budget, use, allowed={use})) is None


def test_no_default_list_allows_a_banned_use_for_special_bonds_and_every_kind_has_one():
    assert set(DEFAULT_ALLOWED_USES) == set(SourceKind)
    assert not DEFAULT_ALLOWED_USES[SourceKind.special_bond] & SPECIAL_BOND_NEGATIVE_LIST
    assert Use.capital in DEFAULT_ALLOWED_USES[SourceKind.special_bond]
    assert DEFAULT_ALLOWED_USES[SourceKind.policy_instrument] == {Use.capital}
    assert source_uses_breach(SourceKind.special_bond, DEFAULT_ALLOWED_USES[SourceKind.special_bond]) is None


def test_a_use_the_source_does_not_allow_is_refused():
    breach = allocation_breach(proposal(SourceKind.central_subsidy, Use.compensation))
    assert breach.rule == "use_not_allowed" and breach.params["use"] == "compensation"
    assert allocation_breach(proposal(SourceKind.owner_unit, Use.construction, allowed=set())).rule == "use_not_allowed"


def test_special_bond_capital_is_capped_at_the_configured_share_of_the_tranche():
    base = dict(tranche_fen=1_000_00, source_capital_fen=200_00)
    assert allocation_breach(proposal(SourceKind.special_bond, Use.capital, 50_00, **base)) is None
    breach = allocation_breach(proposal(SourceKind.special_bond, Use.capital, 50_01, **base))
    assert breach.rule == "special_bond_capital_cap" and breach.params == {
        "cap": "25 %", "limit_fen": 250_00, "used_fen": 200_00}
    # Raised to 30 % by configuration.
    assert allocation_breach(proposal(SourceKind.special_bond, Use.capital, 100_00, **base), Fraction(3, 10)) is None
    # A cap is never rounded up: 25 % of 0.03 yuan is 0 whole fen.
    assert allocation_breach(proposal(SourceKind.special_bond, Use.capital, 1, tranche_fen=3)).rule == \
        "special_bond_capital_cap"
    assert capital_share_breach(Fraction(1, 4)) is None
    assert capital_share_breach(Fraction(2501, 10000)).rule == "special_bond_capital_cap"


@pytest.mark.parametrize("kind", [SourceKind.central_budget, SourceKind.central_subsidy])
def test_central_money_stays_within_the_construction_budget(kind):
    totals = dict(central_fen=700_00, construction_budget_fen=1_000_00)
    assert allocation_breach(proposal(kind, amount=300_00, **totals)) is None
    breach = allocation_breach(proposal(kind, amount=300_01, **totals))
    assert breach.rule == "central_within_construction" and breach.params["limit_fen"] == 1_000_00
    # Other kinds are not bound by it.
    assert allocation_breach(proposal(SourceKind.local_budget, amount=300_01, **totals)) is None


def test_policy_instruments_fund_at_most_half_the_project_capital():
    totals = dict(instrument_capital_fen=100_00, capital_budget_fen=301_00)
    assert allocation_breach(proposal(SourceKind.policy_instrument, Use.capital, 50_50, **totals)) is None
    breach = allocation_breach(proposal(SourceKind.policy_instrument, Use.capital, 50_51, **totals))
    assert breach.rule == "policy_instrument_capital_share" and breach.params["limit_fen"] == 150_50


def test_allocations_to_a_line_stay_within_its_approved_amount():
    assert allocation_breach(proposal(amount=40_00, line_fen=100_00, line_allocated_fen=60_00)) is None
    breach = allocation_breach(proposal(amount=40_01, line_fen=100_00, line_allocated_fen=60_00))
    assert breach.rule == "allocations_within_budget_line"


def test_the_most_specific_rule_is_named_first():
    # A banned use of a special bond is named as such even when the source's list does not allow it either.
    assert allocation_breach(proposal(SourceKind.special_bond, Use.wages, allowed=set())).rule == \
        "special_bond_negative_list"


@pytest.mark.parametrize("basis, rate, centi, due", [
    (ContributionBasis.flat, 300_00, 8050, 300_00),
    (ContributionBasis.per_area, 50_00, 8050, 4025_00),  # 50 yuan/m² × 80.50 m²
    (ContributionBasis.per_area, 333, 8050, 26807),  # 3.33 × 80.50 = 268.065 yuan → 268.07 (half-up)
    (ContributionBasis.per_area, 1, 50, 1),  # 1 fen/m² × 0.50 m² = 0.5 fen, rounded up
    (ContributionBasis.per_area, 1, 49, 0),
])
def test_contributions_are_flat_or_by_area_rounded_half_up_to_the_fen(basis, rate, centi, due):
    assert contribution_due(basis, rate, centi) == due


def test_percent_is_written_without_floats():
    assert (percent(Fraction(1, 4)), percent(Fraction(3, 10)), percent(Fraction(1, 3))) == ("25 %", "30 %", "33.33 %")
