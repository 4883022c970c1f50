"""The funding chart: money arrived and spent to date, month by month, against the plan (the sources'
committed total), as the geometry of a server-drawn SVG line chart plus its data table.

Pure: the months come in as plain figures (`services.project_overview().by_month`), amounts are int
fen, coordinates are worked out with fractions and shown with one decimal, never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tracker.charts import coord as _coord, frame, labelled, line

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 36, 44
SERIES = ("arrived", "spent")


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    arrived_fen: int
    spent_fen: int
    arrived_to_date_fen: int
    spent_to_date_fen: int


def months(by_month: list) -> list[Month]:
    """The overview's month rows (objects or dicts with the same names), oldest first."""
    def get(row, name):
        return row[name] if isinstance(row, dict) else getattr(row, name)
    return [Month(get(r, "month"), get(r, "arrived_fen"), get(r, "spent_fen"), get(r, "arrived_to_date_fen"),
                  get(r, "spent_to_date_fen")) for r in by_month]


def wan(fen: int) -> str:
    """An axis label: fen as 万元 (ten thousand yuan), whole numbers with separators."""
    return f"{(Decimal(fen) / 1_000_000).quantize(Decimal('1'), ROUND_HALF_UP):,}"


def _top(value: int) -> int:
    """The y axis' top: the smallest 1/2/5 × 10^n fen not below `value` (at least 1 万元)."""
    top = 1_000_000
    while True:
        for m in (1, 2, 5):
            if top * m >= value:
                return top * m
        top *= 10


def chart(series: list[Month], plan_fen: int | None = None) -> dict:
    """Everything the template draws: axes with ticks in 万元, one polyline with dots per series
    (cumulative arrived, cumulative spent) and the plan as a dashed line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _top(max([plan_fen or 0, *(m.arrived_to_date_fen for m in series), *(m.spent_to_date_fen for m in series)]))

    def y(fen: int) -> Fraction:
        return TOP + plot_h * (1 - Fraction(min(max(fen, 0), top), top))

    n = len(series)

    def x(i: int) -> Fraction:
        return Fraction(LEFT) + Fraction(plot_w, 2) if n < 2 else LEFT + Fraction(plot_w * i, n - 1)

    lines = {}
    for key in SERIES:
        dots = [{"x": _coord(x(i)), "y": _coord(y(getattr(m, f"{key}_to_date_fen"))), "month": m.month,
                 "fen": getattr(m, f"{key}_to_date_fen")} for i, m in enumerate(series)]
        lines[key] = line(dots)
    return {
        **frame(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM),
        "y_ticks": [{"y": _coord(y(top * q // 4)), "label": wan(top * q // 4)} for q in range(5)],
        "x_ticks": [{"x": _coord(x(i)), "label": series[i].month} for i in labelled(n)],
        "lines": lines,
        "plan": {"y": _coord(y(plan_fen)), "fen": plan_fen} if plan_fen else None,
        "rows": [{"month": m.month, "arrived_fen": m.arrived_fen, "spent_fen": m.spent_fen,
                  "arrived_to_date_fen": m.arrived_to_date_fen, "spent_to_date_fen": m.spent_to_date_fen}
                 for m in series],
    }
