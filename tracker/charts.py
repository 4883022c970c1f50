"""The pieces every server-drawn SVG chart shares (consultation progress, funding, payment curve,
delivery timeline): coordinates shown with one decimal, the frame the templates draw in, a series as
a polyline with dots, and which x positions get a label. Each chart module keeps its own geometry.

Pure: no database, no Litestar; coordinates are fractions, never floats.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_X_LABELS = 8


def coord(value: Fraction) -> str:
    """A coordinate as the SVG gets it: one decimal, rounded half up."""
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def frame(width: int, height: int, left: int, right: int, top: int, bottom: int) -> dict:
    """The plot area in the names the templates use (`right`/`bottom` as coordinates, not margins)."""
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "bottom": height - bottom}


def line(dots: list[dict]) -> dict:
    """One series: its dots (each with `x` and `y`) and the polyline through them."""
    return {"points": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots}


def labelled(n: int, most: int = MAX_X_LABELS) -> list[int]:
    """The indices of `n` points that get an x label: every step-th so at most `most` (plus the last)."""
    step = max(1, -(-n // most))
    out = list(range(0, n, step))
    if n and out[-1] != n - 1:
        out.append(n - 1)
    return out
