"""The delivery timeline: batches and their buildings' milestones as the geometry of a server-drawn SVG
chart (planned, forecast and actual marks per milestone, the batch's planned date, today's line), plus
the same figures as table rows. Coordinates are worked out with fractions, never floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tracker.charts import coord as _coord

from tracker.handover.kinds import MILESTONE_ORDER

WIDTH = 760
LEFT, RIGHT, TOP, BOTTOM_MARGIN = 150, 20, 40, 36
ROW = 28  # height of one building's (or a batch's) row
MAX_X_LABELS = 8
KINDS = ("planned", "forecast", "actual")


@dataclass(frozen=True)
class Stone:
    milestone: str
    planned_on: dt.date | None
    forecast_on: dt.date | None
    actual_on: dt.date | None


@dataclass(frozen=True)
class Lane:
    """One building's row: its name and milestones."""

    name: str
    stones: tuple[Stone, ...]


@dataclass(frozen=True)
class Group:
    """One batch: its name, planned delivery date, forecast, slippage and its buildings."""

    name: str
    planned_on: dt.date
    forecast_on: dt.date | None
    slipping_days: int
    lanes: tuple[Lane, ...]


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    day = dt.date(first.year, first.month, 1)
    out = []
    while day <= last:
        if day >= first:
            out.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def chart(groups: list[Group], today: dt.date) -> dict:
    """Everything the template draws. The span covers every date shown and today, with a week either
    side so marks at the ends stay inside the plot."""
    days = [today]
    for g in groups:
        days += [g.planned_on] + ([g.forecast_on] if g.forecast_on else [])
        for lane in g.lanes:
            for s in lane.stones:
                days += [d for d in (s.planned_on, s.forecast_on, s.actual_on) if d]
    first, last = min(days) - dt.timedelta(days=7), max(days) + dt.timedelta(days=7)
    span = (last - first).days
    plot_w = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> str:
        return _coord(LEFT + Fraction(plot_w * (day - first).days, span))

    rows, y = [], TOP
    for g in groups:
        rows.append({"kind": "batch", "y": y, "mid": y + ROW // 2, "label": g.name, "planned_x": x(g.planned_on),
                     "planned_on": g.planned_on.isoformat(),
                     "forecast_x": x(g.forecast_on) if g.forecast_on else None,
                     "forecast_on": g.forecast_on.isoformat() if g.forecast_on else None,
                     "slipping_days": g.slipping_days})
        y += ROW
        for lane in g.lanes:
            marks, expected = [], []
            for s in sorted(lane.stones, key=lambda s: MILESTONE_ORDER.index(s.milestone)):
                for kind in KINDS:
                    day = getattr(s, f"{kind}_on")
                    if day:
                        marks.append({"kind": kind, "x": x(day), "day": day.isoformat(), "milestone": s.milestone,
                                      "late": kind != "planned" and s.planned_on is not None and day > s.planned_on})
                day = s.actual_on or s.forecast_on or s.planned_on
                if day:
                    expected.append(day)
            rows.append({"kind": "building", "y": y, "mid": y + ROW // 2, "label": lane.name, "marks": marks,
                         "bar": {"x1": x(min(expected)), "x2": x(max(expected))} if expected else None})
            y += ROW
    bottom = y + 6
    step = max(1, -(-len(_month_starts(first, last)) // MAX_X_LABELS))
    return {
        "width": WIDTH, "height": bottom + BOTTOM_MARGIN, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": bottom, "rows": rows,
        "x_ticks": [{"x": x(d), "label": d.strftime("%Y-%m")} for d in _month_starts(first, last)[::step]],
        "today": {"x": x(today), "day": today.isoformat()},
        "table": [{"batch": g.name, "building": lane.name, "milestone": s.milestone,
                   "planned_on": s.planned_on, "forecast_on": s.forecast_on, "actual_on": s.actual_on,
                   "late": bool(s.planned_on and (s.actual_on or s.forecast_on)
                                and (s.actual_on or s.forecast_on) > s.planned_on)}
                  for g in groups for lane in g.lanes
                  for s in sorted(lane.stones, key=lambda s: MILESTONE_ORDER.index(s.milestone))],
    }


def rate(part: int, whole: int) -> str:
    """A share as a displayed percentage with one decimal (handover rate: units handed over ÷ units)."""
    if not whole:
        return "—"
    return f"{(Decimal(part * 100) / Decimal(whole)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
