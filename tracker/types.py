"""Value types shared by every request schema: the bounds the database columns set, declared once.

Ids and counts fit a PostgreSQL `integer` (the portable bound; SQLite would take up to 2^63).
Msgspec cannot bound a `Decimal`, so `Money` and `Area` carry a `Digits` marker that the schemas'
`Bounded` base checks after decoding: finite, within the column's NUMERIC(precision, scale), no more
decimal places than the column keeps. Text needs no type of its own: a NUL character is refused for
every request in one place (`tracker.web.inputs`).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, ClassVar

import msgspec

from tracker.errors import Invalid

INT32_MAX = 2**31 - 1

Id = Annotated[int, msgspec.Meta(ge=1, le=INT32_MAX, description="A row id (1 to 2147483647).")]
Int32 = Annotated[int, msgspec.Meta(ge=-INT32_MAX - 1, le=INT32_MAX)]
Offset = Annotated[int, msgspec.Meta(ge=0, le=INT32_MAX)]
# Money as integer fen (分), as the funding, payments and handover domains keep it: exact, BIGINT.
FEN_MAX = 10**15  # ten trillion yuan: beyond any project, well inside BIGINT
Fen = Annotated[int, msgspec.Meta(ge=0, le=FEN_MAX, description="Fen (1/100 yuan), an integer, at least 0.")]


@dataclass(frozen=True)
class Digits:
    """A NUMERIC(precision, scale) column's limits, and whether zero or negative values are allowed."""

    precision: int
    scale: int
    minimum: Decimal | None = None
    exclusive_minimum: bool = False

    def check(self, name: str, value: Decimal) -> None:
        if not value.is_finite():
            raise Invalid("{name} must be a finite number.", field=name, rule="finite", name=name)
        limit = Decimal(10) ** (self.precision - self.scale)
        if abs(value) >= limit:
            raise Invalid("{name} must be below {limit}.", field=name, rule="digits", name=name, limit=limit)
        if self.minimum is not None and (value <= self.minimum if self.exclusive_minimum else value < self.minimum):
            message = "{name} must be greater than {minimum}." if self.exclusive_minimum else \
                "{name} must be at least {minimum}."
            raise Invalid(message, field=name, rule="minimum", name=name, minimum=self.minimum)
        try:
            exact = value == value.quantize(Decimal(1).scaleb(-self.scale))
        except InvalidOperation:
            exact = False
        if not exact:
            raise Invalid("{name} has more than {scale} decimal places.", field=name, rule="digits", name=name,
                          scale=self.scale)


MONEY_DIGITS = Digits(14, 2, minimum=Decimal(0))
AREA_DIGITS = Digits(12, 2, minimum=Decimal(0), exclusive_minimum=True)

# Yuan with fen, NUMERIC(14, 2), not negative.
Money = Annotated[Decimal, msgspec.Meta(description="Yuan, at least 0, below 10^12, at most 2 decimal places."),
                  MONEY_DIGITS]
# Square metres, NUMERIC(12, 2), greater than 0.
Area = Annotated[Decimal, msgspec.Meta(description="m², greater than 0, below 10^10, at most 2 decimal places."),
                 AREA_DIGITS]


def _digits_of(annotation: object) -> Digits | None:
    """The `Digits` marker of `Money`, `Area` or an optional of them."""
    if typing.get_origin(annotation) is typing.Union or type(annotation).__name__ == "UnionType":
        found = [d for arg in typing.get_args(annotation) if (d := _digits_of(arg))]
        return found[0] if found else None
    if typing.get_origin(annotation) is Annotated:
        return next((m for m in annotation.__metadata__ if isinstance(m, Digits)), None)
    return None


class Bounded(msgspec.Struct):
    """Base of request schemas with decimal fields: checks them against their columns once decoded.

    The refusal is a 422 naming the field, raised while msgspec builds the struct, so the JSON API and
    the pages (which convert forms through the same schemas) refuse alike before any service runs.
    """

    __digits__: ClassVar[dict[str, Digits] | None] = None

    def __post_init__(self) -> None:
        cls = type(self)
        if cls.__dict__.get("__digits__") is None:
            hints = typing.get_type_hints(cls, include_extras=True)
            cls.__digits__ = {name: d for name in cls.__struct_fields__ if (d := _digits_of(hints.get(name)))}
        for name, digits in cls.__digits__.items():
            value = getattr(self, name)
            if value is not None:
                digits.check(name, value)
