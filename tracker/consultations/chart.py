"""The progress chart: daily snapshots as the geometry of a server-drawn SVG line chart, plus its data.

Both series are shares of the whole roll by title, the way the posted tally reads: participation is
ballots returned (invalid ones included) over titles on the roll, the agree rate is agreeing titles over
titles on the roll (同意率). "All items" pools the items: the sums of each count over every item.
Coordinates and percentages are for display only and are worked out with fractions, never floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from tracker.charts import coord as _coord, frame, labelled, line

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 36, 44
SERIES = ("participation", "agree")


@dataclass(frozen=True)
class Point:
    """One day's figures of the chosen item (or of all items pooled)."""

    day: dt.date
    roll_titles: int
    returned_titles: int
    agree_titles: int

    @property
    def participation(self) -> Fraction:
        return Fraction(self.returned_titles, self.roll_titles) if self.roll_titles else Fraction(0)

    @property
    def agree(self) -> Fraction:
        return Fraction(self.agree_titles, self.roll_titles) if self.roll_titles else Fraction(0)


def points(progress: list[dict], item_id: int | None = None) -> list[Point]:
    """The snapshots (as `services.progress` gives them, oldest first) for one item, or pooled when None."""
    out = []
    for snapshot in progress:
        tallies = snapshot["tally"]
        if item_id is None:
            chosen = list(tallies.values())
        else:
            chosen = [tallies[str(item_id)]] if str(item_id) in tallies else []
        if not chosen:
            continue
        out.append(Point(
            day=dt.date.fromisoformat(snapshot["day"]),
            roll_titles=sum(int(t["roll_titles"]) for t in chosen),
            returned_titles=sum(int(t["returned_titles"]) for t in chosen),
            agree_titles=sum(int(t["agree_titles"]) for t in chosen),
        ))
    return out


def _decimal(value: Fraction, places: str) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), ROUND_HALF_UP)


def percent(value: Fraction) -> str:
    """A share as a displayed percentage with two decimals, like the posted tally."""
    return f"{_decimal(value * 100, '0.01')}%"


def chart(series: list[Point], threshold: Fraction | None = None) -> dict:
    """Everything the template draws: axes with ticks, one polyline and its dots per series, and
    optionally the rule's threshold as a dashed line (a share of the whole roll, like the series)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(share: Fraction) -> Fraction:
        return TOP + plot_h * (1 - min(max(share, Fraction(0)), Fraction(1)))

    first = series[0].day if series else None
    span = (series[-1].day - first).days if series else 0

    def x(day: dt.date) -> Fraction:
        if not span:
            return Fraction(LEFT) + Fraction(plot_w, 2)
        return LEFT + Fraction(plot_w * (day - first).days, span)

    lines = {}
    for key in SERIES:
        dots = [{"x": _coord(x(p.day)), "y": _coord(y(getattr(p, key))), "day": p.day.isoformat(),
                 "value": percent(getattr(p, key))} for p in series]
        lines[key] = line(dots)
    return {
        **frame(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM),
        "y_ticks": [{"y": _coord(y(Fraction(q, 4))), "label": f"{25 * q}%"} for q in range(5)],
        "x_ticks": [{"x": _coord(x(p.day)), "label": p.day.strftime("%m-%d")} for p in (series[i] for i in labelled(len(series)))],
        "lines": lines,
        "threshold": {"y": _coord(y(threshold)), "label": percent(threshold)} if threshold is not None else None,
        "rows": [{"day": p.day.isoformat(), "roll_titles": p.roll_titles, "returned_titles": p.returned_titles,
                  "agree_titles": p.agree_titles, "participation": percent(p.participation), "agree": percent(p.agree)}
                 for p in series],
    }


def roll_share_threshold(rule_key: str, rule_params: dict[str, str]) -> Fraction | None:
    """The share of the whole roll a roll_share rule needs, comparable with the agree series; the
    Art. 278 rules count shares of participants by heads and area, which this chart does not draw."""
    if rule_key != "roll_share" or "p" not in rule_params:
        return None
    try:
        return Fraction(rule_params["p"])
    except (ValueError, ZeroDivisionError):
        return None
