"""Exact money: amounts are integer fen (分, `int`), rates are `Decimal` fractions, never a float.

- An amount is an `int` of fen: 1,234.56 yuan is `123456`. Tables store it as BigInt; exports print it
  with `fen_to_text` or as `fen_to_yuan` (a `Decimal` with two places).
- A rate is a `Decimal` fraction: 2.33 % is `Decimal("0.0233")`; a spread is an `int` of basis points
  (1 bp = 0.0001), converted by `rate_from_bp` / `bp_from_rate`.
- Rounding to the fen happens in one place, `round_fen`, and it is HALF-UP: a half fen rounds away from
  zero (0.5 fen → 1 fen, 0.4999 fen → 0, −0.5 fen → −1 fen, −0.4999 fen → 0). Every computed amount
  (a coupon, a day-count accrual, a share of an amount) is worked out exactly in `Decimal` and rounded
  once, here.
- A ratio (`ratio`) is a `Decimal` with four places (0.0001), also rounded half-up; it is for showing.
  Decisions compare the exact figures (`a >= floor * b`), never a rounded ratio.

A float anywhere is refused with `TypeError`: `Decimal(0.1)` would carry the binary error into the fen.
Bad text is refused with `tracker.errors.Invalid` naming the field and the rule.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from tracker.errors import Invalid

FEN_PER_YUAN = 100
# 10 万亿 yuan: far above any project's money or any portfolio's, well inside a BigInt column.
MAX_FEN = 10**15
BP_PER_UNIT = 10_000
RATIO_PLACES = Decimal("0.0001")
_ONE = Decimal(1)
_FEN = Decimal("0.01")

# ASCII digits, an optional sign, thousands separators in groups of three, at most one decimal point.
_AMOUNT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+", re.ASCII)
_RATE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def _exact(value: object, name: str) -> Decimal:
    """`value` as a Decimal if it is an exact number (Decimal or int); a float is a TypeError."""
    if type(value) is Decimal and value.is_finite():  # the common case, first
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise Invalid("Enter a finite number.", field=name, rule="money.finite")
    return number


def require_fen(value: object, name: str = "amount") -> int:
    """`value` if it is an int amount of fen; anything else (a float, a Decimal, a bool) is a TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of fen, not {type(value).__name__}")
    return value


def require_amount(value: object, name: str = "amount") -> int:
    """`value` if it is an int of fen no larger than MAX_FEN either way (a float is a TypeError)."""
    if abs(require_fen(value, name)) > MAX_FEN:
        raise Invalid("An amount is at most {limit} yuan.", field=name, rule="money.range",
                      limit=fen_to_text(MAX_FEN))
    return value


def require_rate(value: object, name: str = "rate") -> Decimal:
    """`value` if it is a Decimal (or an int); a float is a TypeError."""
    return _exact(value, name)


def yuan(value: str | Decimal | int, *, field: str = "amount") -> int:
    """An amount in yuan ("1,234.56", `Decimal("1234.56")` or an int of whole yuan) as int fen.

    More than two decimals that are not zeros ("1.005") is refused, not rounded: the input is a
    figure from a document and must be copied exactly. The sign is kept; callers refuse negatives
    where the rule forbids them.
    """
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.fullmatch(text):
            raise Invalid("Enter an amount in yuan such as 1,234.56.", field=field, rule="money.format")
        number = Decimal(text.replace(",", ""))
    else:
        number = _exact(value, field)
    fen = number * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise Invalid(
            "An amount has at most two decimals (fen); {value} has more.",
            field=field,
            rule="money.precision",
            value=str(value).strip(),
        )
    return require_amount(int(fen), field)


def fen_to_yuan(fen: int) -> Decimal:
    """An amount of fen as yuan, a Decimal with exactly two places (for exports and the JSON API)."""
    return (Decimal(require_fen(fen)) / FEN_PER_YUAN).quantize(_FEN)


def fen_to_text(fen: int) -> str:
    """An amount of fen as yuan with thousands separators: 123456789 → "1,234,567.89"."""
    fen = require_fen(fen)
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


def round_fen(amount: Decimal | int) -> int:
    """An exact amount in fen (e.g. `Decimal("1165000.5")`) rounded HALF-UP to whole fen.

    The one place where anything is rounded to the fen. Half-up means half away from zero:
    0.5 → 1, 0.4999 → 0, −0.5 → −1, −0.4999 → 0.
    """
    return int(_exact(amount, "amount").quantize(_ONE, rounding=ROUND_HALF_UP))


def share(amount_fen: int, ratio: Decimal) -> int:
    """`ratio` (a Decimal fraction, 0.25 = a quarter) of an amount of fen, rounded once to the fen."""
    return round_fen(Decimal(require_fen(amount_fen, "amount_fen")) * _exact(ratio, "ratio"))


def ratio(a: int | Decimal, b: int | Decimal) -> Decimal:
    """a ÷ b with four decimal places (RATIO_PLACES), half-up; b = 0 is a ZeroDivisionError."""
    numerator, denominator = _exact(a, "a"), _exact(b, "b")
    if denominator == 0:
        raise ZeroDivisionError("ratio with a zero denominator")
    return (numerator / denominator).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def rate_from_bp(bp: int) -> Decimal:
    """Basis points as a rate: 35 → Decimal("0.0035")."""
    if isinstance(bp, bool) or not isinstance(bp, int):
        raise TypeError(f"basis points must be an int, not {type(bp).__name__}")
    return Decimal(bp) / BP_PER_UNIT


def bp_from_rate(rate: Decimal) -> int:
    """A rate as whole basis points; a rate finer than one basis point is refused, not rounded."""
    points = _exact(rate, "rate") * BP_PER_UNIT
    if points != points.to_integral_value():
        raise Invalid("A spread is a whole number of basis points (0.01 %).", field="spread_bp", rule="money.bp")
    return int(points)


def rate_from_percent(value: str | Decimal | int, *, field: str = "rate") -> Decimal:
    """A rate written in percent ("2.33", "2.33 %", Decimal("2.33")) as a fraction: Decimal("0.0233")."""
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        if not _RATE.fullmatch(text):
            raise Invalid("Enter a rate in percent such as 2.33.", field=field, rule="money.rate")
        number = Decimal(text)
    else:
        number = _exact(value, field)
    return number / 100


def percent_text(rate: Decimal) -> str:
    """A rate as percent text without trailing zeros: Decimal("0.0233") → "2.33%"."""
    number = _exact(rate, "rate") * 100
    text = format(number.normalize(), "f")
    return f"{text}%"
