"""Area and price difference of a resettlement unit against the household's quota (pure).

The unit's area is compared with the quota area (recognised persons × the project's area per person):
- over the quota, the first `tier1_m2` are priced at the base price, the part from `tier1_m2` to
  `tier2_m2` at `tier2_factor` × the base price, and more than `tier2_m2` over is not allowed;
- under the quota, the shortfall is refunded at the shortfall price.
A positive difference is paid by the household, a negative one refunded to it. At handover the surveyed
area replaces the contract area and the true-up is the difference of the two prices (collect or refund).

Areas are Decimal m² with two places; prices integer fen per m²; every amount is rounded once, per
step, to the fen, half up (ROUND_HALF_UP), and the total is the sum of the rounded steps, as the
settlement sheet prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tracker.errors import Conflict

CENTI = Decimal("0.01")


@dataclass(frozen=True)
class Terms:
    quota_m2_per_person: Decimal
    base_price_fen: int
    tier1_m2: Decimal
    tier2_m2: Decimal
    tier2_factor: Decimal
    shortfall_price_fen: int


@dataclass(frozen=True)
class Step:
    """One printed line of the settlement: what, how many m², at what price, the amount."""

    label: str  # msgid: "Within quota", "Over quota, first tier" …
    area: Decimal
    price_fen: int
    amount_fen: int


@dataclass(frozen=True)
class Pricing:
    quota_area: Decimal
    area: Decimal
    steps: tuple[Step, ...]

    @property
    def total_fen(self) -> int:
        return sum(step.amount_fen for step in self.steps)


def fen(amount: Decimal) -> int:
    """Decimal fen to integer fen, half up (−0.5 rounds to −1)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quota_area(persons: int, terms: Terms) -> Decimal:
    return (terms.quota_m2_per_person * persons).quantize(CENTI, rounding=ROUND_HALF_UP)


def price(quota: Decimal, area: Decimal, terms: Terms) -> Pricing:
    """The price difference of a unit of `area` for a household with `quota` m²."""
    if area <= 0:
        raise ValueError("area must be positive")
    over = area - quota
    steps: list[Step] = []
    if over > terms.tier2_m2:
        raise Conflict(
            "The unit is {over} m² over the quota; at most {limit} m² over is allowed.",
            field="unit_id", rule="overage_beyond_limit", over=f"{over:.2f}", limit=f"{terms.tier2_m2:.2f}",
        )
    if over > 0:
        first = min(over, terms.tier1_m2)
        steps.append(Step("Over quota, first tier", first, terms.base_price_fen, fen(first * terms.base_price_fen)))
        second = over - first
        if second > 0:
            tier_price = fen(terms.tier2_factor * terms.base_price_fen)
            steps.append(Step("Over quota, second tier", second, tier_price, fen(second * tier_price)))
    elif over < 0:
        short = -over
        steps.append(Step("Under quota, refunded", short, terms.shortfall_price_fen,
                          -fen(short * terms.shortfall_price_fen)))
    return Pricing(quota_area=quota, area=area, steps=tuple(steps))


def true_up(quota: Decimal, contract_area: Decimal, surveyed_area: Decimal, terms: Terms) -> int:
    """What the household pays (+) or is refunded (−) when the surveyed area replaces the contract area.

    The surveyed area is priced by the same tiers; a surveyed area beyond the allowed overage is not
    the household's choice, so it is priced as if the second tier went on (the desk refused the choice,
    the survey cannot be refused).
    """
    relaxed = Terms(terms.quota_m2_per_person, terms.base_price_fen, terms.tier1_m2,
                    max(terms.tier2_m2, surveyed_area - quota), terms.tier2_factor, terms.shortfall_price_fen)
    return price(quota, surveyed_area, relaxed).total_fen - price(quota, contract_area, relaxed).total_fen
