"""The rules that decide a consultation from its `Counts`, each explaining itself reason by reason.

A consultation names its rule by key (`RULES`, `make_rule`) and freezes it when it opens. Every
comparison is exact: `agree * 4 >= participating * 3` on ints, Decimals and Fractions, never floats.
A condition whose denominator is zero is not met (nobody to count against), and its reason says why.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from tracker.consultations.counting import Counts

TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)
HALF = Fraction(1, 2)

AT_LEAST = "≥"  # 以上 (includes the figure itself, Civil Code Art. 1259)
MORE_THAN = ">"  # 过半数


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition of a rule, with its numbers and a sentence in Chinese and in English."""

    code: str  # stable: participation_heads, participation_area, agree_heads, agree_area, agree_titles
    numerator: int | Decimal
    denominator: int | Decimal
    threshold: Fraction
    comparison: str  # AT_LEAST or MORE_THAN
    met: bool
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule's verdict: passed only if every reason is met."""

    passed: bool
    rule: str
    reasons: tuple[Reason, ...]
    non_voters_counted_as_agree: bool


@dataclass(frozen=True, slots=True)
class _Measure:
    """How one kind of share is named and what a zero denominator means for it."""

    code: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    empty_zh: str
    empty_en: str


_PARTICIPATION_HEADS = _Measure(
    "participation_heads", "参与表决人数", "participating owners", "", "", "名册为空", "the roll is empty"
)
_PARTICIPATION_AREA = _Measure(
    "participation_area", "参与表决面积", "participating area", " ㎡", " m²", "名册为空", "the roll is empty"
)
_AGREE_HEADS = _Measure(
    "agree_heads", "同意人数", "agreeing owners", "", "", "无人参与表决", "nobody took part"
)
_AGREE_AREA = _Measure(
    "agree_area", "同意面积", "agreeing area", " ㎡", " m²", "无人参与表决", "nobody took part"
)
_AGREE_TITLES = _Measure(
    "agree_titles", "同意权证数", "agreeing title certificates", "", "", "名册为空", "the roll is empty"
)


def _show(value: int | Decimal) -> str:
    # Fixed-point, so a sum like Decimal("1E+3") still reads as 1000.
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _reason(
    measure: _Measure,
    numerator: int | Decimal,
    denominator: int | Decimal,
    threshold: Fraction,
    comparison: str,
) -> Reason:
    if denominator == 0:
        met = False
    else:
        # Cross-multiplied so the comparison stays exact for Decimal areas and Fraction thresholds.
        left = Fraction(numerator) * threshold.denominator
        right = Fraction(denominator) * threshold.numerator
        met = left > right if comparison == MORE_THAN else left >= right
    num, den = _show(numerator), _show(denominator)
    verdict_zh = "满足" if met else "不满足"
    verdict_en = "met" if met else "not met"
    if denominator == 0:
        verdict_zh += f"（{measure.empty_zh}）"
        verdict_en += f" ({measure.empty_en})"
    return Reason(
        code=measure.code,
        numerator=numerator,
        denominator=denominator,
        threshold=threshold,
        comparison=comparison,
        met=met,
        text_zh=f"{measure.label_zh} {num}/{den}{measure.unit_zh} {comparison} {threshold}：{verdict_zh}",
        text_en=f"{measure.label_en} {num} of {den}{measure.unit_en} {comparison} {threshold}: {verdict_en}",
    )


def _decide(rule: str, counts: Counts, reasons: tuple[Reason, ...]) -> Decision:
    return Decision(
        passed=all(reason.met for reason in reasons),
        rule=rule,
        reasons=reasons,
        non_voters_counted_as_agree=counts.non_voters_counted_as_agree,
    )


def _art278(rule: str, counts: Counts, agree: Fraction, comparison: str) -> Decision:
    return _decide(
        rule,
        counts,
        (
            _reason(
                _PARTICIPATION_HEADS, counts.participating_heads, counts.roll_heads, TWO_THIRDS, AT_LEAST
            ),
            _reason(_PARTICIPATION_AREA, counts.participating_area, counts.roll_area, TWO_THIRDS, AT_LEAST),
            _reason(_AGREE_HEADS, counts.agree_heads, counts.participating_heads, agree, comparison),
            _reason(_AGREE_AREA, counts.agree_area, counts.participating_area, agree, comparison),
        ),
    )


@dataclass(frozen=True, slots=True)
class RollShare:
    """Agreeing titles reach share `p` of the WHOLE roll (按全部权证计), not of ballots returned.

    For the resettlement intent round (一轮意愿征询, e.g. 9/10) and the signing round (二轮征询 /
    签约, the district's ratio by the deadline, e.g. 17/20).
    """

    p: Fraction
    key: ClassVar[str] = "roll_share"

    def __post_init__(self) -> None:
        # Floats are refused: Fraction(0.9) is not 9/10, and a threshold must be exactly what was set.
        if isinstance(self.p, (float, bool)) or not isinstance(self.p, (Fraction, int, Decimal, str)):
            raise ValueError(
                f"roll_share: p must be a Fraction, int, Decimal or string like '9/10', got {self.p!r}"
            )
        try:
            p = Fraction(self.p)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise ValueError(f"roll_share: p {self.p!r} is not a number") from None
        if not 0 < p <= 1:
            raise ValueError(f"roll_share: p must satisfy 0 < p <= 1, got {p}")
        object.__setattr__(self, "p", p)

    def __call__(self, counts: Counts) -> Decision:
        return _decide(
            self.key,
            counts,
            (_reason(_AGREE_TITLES, counts.agree_titles, counts.roll_titles, self.p, AT_LEAST),),
        )


@dataclass(frozen=True, slots=True)
class Art278Major:
    """Civil Code Art. 278 major matters (重大事项: maintenance funds, rebuilding or renovating, changing
    the use of common parts): participation ≥ 2/3 of heads and of area; agree ≥ 3/4 of the participating
    heads and of the participating area."""

    key: ClassVar[str] = "art278_major"

    def __call__(self, counts: Counts) -> Decision:
        return _art278(self.key, counts, THREE_QUARTERS, AT_LEAST)


@dataclass(frozen=True, slots=True)
class Art278Ordinary:
    """Civil Code Art. 278 other matters (一般事项): participation as for major matters; agree by more
    than half (过半数) of the participating heads and of the participating area."""

    key: ClassVar[str] = "art278_ordinary"

    def __call__(self, counts: Counts) -> Decision:
        return _art278(self.key, counts, HALF, MORE_THAN)


Rule = Callable[[Counts], Decision]

RULES: dict[str, type[RollShare] | type[Art278Major] | type[Art278Ordinary]] = {
    cls.key: cls for cls in (RollShare, Art278Major, Art278Ordinary)
}


def make_rule(key: str, **params: object) -> Rule:
    """The rule a consultation names, e.g. `make_rule("roll_share", p=Fraction(9, 10))`."""
    try:
        rule_class = RULES[key]
    except KeyError:
        raise ValueError(f"unknown rule {key!r} (known: {', '.join(RULES)})") from None
    try:
        inspect.signature(rule_class).bind(**params)
    except TypeError as error:
        raise ValueError(f"rule {key!r}: {error}") from None
    return rule_class(**params)
