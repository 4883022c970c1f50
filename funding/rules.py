"""Rules of use of public money (pure): which source may pay for what, and the caps on some uses.

Each refusal is a `Breach` naming its rule by a stable code, with an English message (the msgid the
catalog translates) and its parameters; the services raise it as a 409. Shares are compared with
integers and `Fraction`s, never floats. Figures are defaults (../shared/reference/funding.md): the
special-bond capital cap is configured (`FUNDING_BOND_CAPITAL_CAP`), the others are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from funding.kinds import BOND_KINDS, LOAN_KINDS, ContributionBasis, SourceKind, Use
from funding.money import round_fen

# 国办发〔2024〕52号: what special bonds may never pay for, whatever a source's allowed list says.
SPECIAL_BOND_NEGATIVE_LIST = frozenset({
    Use.office_buildings,  # 楼堂馆所
    Use.image_projects,  # 形象工程
    Use.commercial,  # 商业设施, commercial real estate other than protected housing
    Use.wages,  # 工资福利 (routine spending)
    Use.operating_costs,  # 运营费用 (routine spending)
    Use.debt_interest,  # 债务付息
})

# The part of a special-bond tranche that may be used as project capital (资本金), unless configured.
SPECIAL_BOND_CAPITAL_CAP = Fraction(1, 4)
# 政策性开发性金融工具: at most half of the project capital.
POLICY_INSTRUMENT_CAPITAL_SHARE = Fraction(1, 2)
CENTRAL_KINDS = frozenset({SourceKind.central_budget, SourceKind.central_subsidy})

_WORKS = (Use.construction, Use.equipment, Use.design_supervision)
_PROJECT_COSTS = (*_WORKS, Use.compensation, Use.land, Use.contingency)

# What a source of each kind may pay for unless its record says otherwise.
DEFAULT_ALLOWED_USES: dict[SourceKind, frozenset[Use]] = {
    SourceKind.central_budget: frozenset(_WORKS),
    SourceKind.central_subsidy: frozenset(_WORKS),
    SourceKind.treasury_bond: frozenset((*_WORKS, Use.compensation, Use.land)),
    SourceKind.ultra_long_bond: frozenset((*_WORKS, Use.compensation, Use.land)),
    SourceKind.provincial_budget: frozenset((*_PROJECT_COSTS, Use.capital, Use.debt_interest)),
    SourceKind.local_budget: frozenset((*_PROJECT_COSTS, Use.capital, Use.debt_interest)),
    SourceKind.general_bond: frozenset(_PROJECT_COSTS),
    SourceKind.special_bond: frozenset((*_WORKS, Use.compensation, Use.land, Use.capital)),
    SourceKind.policy_loan: frozenset((*_PROJECT_COSTS, Use.debt_interest)),
    SourceKind.policy_instrument: frozenset({Use.capital}),
    SourceKind.owner_unit: frozenset(_WORKS),
    SourceKind.operator: frozenset(_WORKS),
    SourceKind.resident: frozenset(_WORKS),
    SourceKind.maintenance_fund: frozenset(_WORKS),
    SourceKind.other: frozenset(_PROJECT_COSTS),
}


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule a proposed use of money breaks: `rule` is the stable code, `message` the msgid."""

    rule: str
    message: str
    params: dict[str, object] = field(default_factory=dict)


def default_uses(kind: SourceKind) -> list[Use]:
    return sorted(DEFAULT_ALLOWED_USES[kind])


def source_uses_breach(kind: SourceKind, uses: Iterable[Use]) -> Breach | None:
    """A special bond's allowed list may not name a use of the negative list."""
    if kind is SourceKind.special_bond:
        banned = sorted(u.value for u in set(uses) & SPECIAL_BOND_NEGATIVE_LIST)
        if banned:
            return Breach("special_bond_negative_list",
                          "Special bonds may not pay for {uses} (国办发〔2024〕52号 negative list).",
                          {"uses": ", ".join(banned)})
    return None


def capital_share_breach(share: Fraction, cap: Fraction = SPECIAL_BOND_CAPITAL_CAP) -> Breach | None:
    """A tranche's declared capital share may not exceed the cap."""
    if share > cap:
        return Breach("special_bond_capital_cap",
                      "At most {cap} of a special-bond tranche may be used as project capital.",
                      {"cap": percent(cap)})
    return None


@dataclass(frozen=True, slots=True)
class Proposal:
    """An allocation as the rules see it, with the totals it adds to (all in fen, before it)."""

    kind: SourceKind
    allowed: frozenset[Use]
    use: Use
    amount_fen: int
    source_capital_fen: int = 0  # this source's allocations to capital lines
    tranche_fen: int = 0  # a bond tranche's amount
    central_fen: int = 0  # the project's allocations from central budget and central subsidy sources
    construction_budget_fen: int = 0  # the project's approved 建安 budget lines
    instrument_capital_fen: int = 0  # the project's allocations from policy instruments to capital lines
    capital_budget_fen: int = 0  # the project's budget lines whose use is capital
    line_fen: int | None = None  # the budget line's approved amount (None: not checked)
    line_allocated_fen: int = 0  # what is allocated to the line from every source


def allocation_breach(p: Proposal, capital_cap: Fraction = SPECIAL_BOND_CAPITAL_CAP) -> Breach | None:
    """The first rule the allocation breaks, most specific first; None when it may go ahead."""
    if p.kind is SourceKind.special_bond and p.use in SPECIAL_BOND_NEGATIVE_LIST:
        return Breach("special_bond_negative_list",
                      "Special bonds may not pay for {uses} (国办发〔2024〕52号 negative list).",
                      {"uses": p.use.value})
    if p.use not in p.allowed:
        return Breach("use_not_allowed", "This source may not pay for {use}; it allows: {allowed}.",
                      {"use": p.use.value, "allowed": ", ".join(sorted(u.value for u in p.allowed)) or "-"})
    if p.kind is SourceKind.special_bond and p.use is Use.capital:
        limit = floor_fen(p.tranche_fen * capital_cap)
        if p.source_capital_fen + p.amount_fen > limit:
            return Breach("special_bond_capital_cap",
                          "Capital use of a special-bond tranche is capped at {cap} of it ({limit_fen} fen); "
                          "{used_fen} fen is already so used.",
                          {"cap": percent(capital_cap), "limit_fen": limit, "used_fen": p.source_capital_fen})
    if p.kind in CENTRAL_KINDS and (breach := central_breach(p.central_fen + p.amount_fen, p.construction_budget_fen,
                                                              p.central_fen)):
        return breach
    if p.kind is SourceKind.policy_instrument:
        limit = floor_fen(p.capital_budget_fen * POLICY_INSTRUMENT_CAPITAL_SHARE)
        if p.instrument_capital_fen + p.amount_fen > limit:
            return Breach("policy_instrument_capital_share",
                          "Policy instruments may fund at most {cap} of the project capital ({limit_fen} fen); "
                          "{used_fen} fen is already allocated.",
                          {"cap": percent(POLICY_INSTRUMENT_CAPITAL_SHARE), "limit_fen": limit,
                           "used_fen": p.instrument_capital_fen})
    if p.line_fen is not None and p.line_allocated_fen + p.amount_fen > p.line_fen:
        return Breach("allocations_within_budget_line",
                      "Allocations to a budget line may not exceed its approved amount ({limit_fen} fen); "
                      "{used_fen} fen is already allocated to it.",
                      {"limit_fen": p.line_fen, "used_fen": p.line_allocated_fen})
    return None


def central_breach(central_fen: int, construction_budget_fen: int, used_fen: int | None = None) -> Breach | None:
    """Central budget money and subsidies (`central_fen` with the proposed amount) stay within the
    approved construction and installation (建安) lines."""
    if central_fen <= construction_budget_fen:
        return None
    return Breach("central_within_construction",
                  "Central budget money and subsidies may not exceed the approved construction and installation "
                  "(建安) budget: {limit_fen} fen, {used_fen} fen already allocated.",
                  {"limit_fen": construction_budget_fen, "used_fen": central_fen if used_fen is None else used_fen})


def floor_fen(value: Fraction | int) -> int:
    """A limit in whole fen: a cap is never rounded up."""
    return int(value // 1)


def percent(share: Fraction) -> str:
    value = (Decimal(share.numerator * 100) / Decimal(share.denominator)).quantize(Decimal("0.01"))
    return f"{value.normalize():f} %"


def contribution_due(basis: ContributionBasis, rate_fen: int, area_centi: int) -> int:
    """What a household owes for an item: a flat amount, or fen per m² times its area (hundredths of a
    m²), rounded to the fen half-up (`money.round_fen`, the one rounding)."""
    if basis is ContributionBasis.flat:
        return rate_fen
    return round_fen(Decimal(rate_fen * area_centi) / 100)


def is_bond(kind: SourceKind) -> bool:
    return kind in BOND_KINDS


def is_loan(kind: SourceKind) -> bool:
    return kind in LOAN_KINDS
