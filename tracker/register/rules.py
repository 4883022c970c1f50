"""Register rules without the database: the owner key, the area that counts, an area's bounds."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from tracker.errors import Invalid
from tracker.settings import get_settings


def owner_key(owner_id: str) -> str:
    """A stable key for an owner's identity number that does not reveal it.

    Keyed with the instance secret: identity numbers are guessable, a plain hash would not hide them.
    """
    normal = "".join(owner_id.split()).upper()
    return hmac.new(get_settings().secret_key.encode(), normal.encode(), hashlib.sha256).hexdigest()


def effective_area(registered: Decimal | None, surveyed: Decimal | None, contract: Decimal | None) -> Decimal:
    """SPC 2020: the registered area, else the surveyed area, else the contract area."""
    for area in (registered, surveyed, contract):
        if area is not None:
            return Decimal(area)
    return Decimal(0)


def check_area(field: str, value: Decimal | None) -> None:
    """Areas are positive, below 100,000 m², with at most two decimal places (as registered)."""
    if value is None:
        return
    if not value.is_finite() or value <= 0 or value >= 100000:
        raise Invalid("{name} must be greater than 0 and below 100000 m².", field=field, name=field)
    if value.as_tuple().exponent < -2:
        raise Invalid("{name} has more than two decimal places.", field=field, name=field)
