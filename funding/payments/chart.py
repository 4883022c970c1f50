"""The payment curve: a contract's work certified, amount certified and amount paid to date, as the
geometry of a server-drawn SVG step chart plus its data table (house style: tracker/consultations/chart.py).
Coordinates are worked out with fractions, never floats."""

from __future__ import annotations

from fractions import Fraction

from tracker.charts import coord as _coord, frame, labelled, line

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 36, 44
SERIES = ("work", "certified", "paid")


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def chart(points: list, total_fen: int) -> dict:
    """`points` are `CurvePoint`s (oldest first); the y axis runs to the contract total (value + changes)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max([total_fen, 1] + [max(p.work_fen, p.certified_fen, p.paid_fen) for p in points])

    def y(fen: int) -> Fraction:
        return TOP + plot_h * (1 - Fraction(max(fen, 0), top))

    n = len(points)

    def x(index: int) -> Fraction:
        return Fraction(LEFT) + (Fraction(plot_w * index, n - 1) if n > 1 else Fraction(plot_w, 2))

    lines = {}
    for key in SERIES:
        dots = [{"x": _coord(x(i)), "y": _coord(y(getattr(p, f"{key}_fen"))), "day": p.on.isoformat(),
                 "value": yuan(getattr(p, f"{key}_fen"))} for i, p in enumerate(points)]
        lines[key] = line(dots)
    return {
        **frame(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM),
        "y_ticks": [{"y": _coord(y(top * q // 4)), "label": f"{top * q // 4 // 1_000_000:,}万"} for q in range(5)],
        "x_ticks": [{"x": _coord(x(i)), "label": points[i].on.strftime("%m-%d")} for i in labelled(n)],
        "lines": lines,
        "total": {"y": _coord(y(total_fen)), "label": yuan(total_fen)},
        "rows": [{"day": p.on.isoformat(), "work": yuan(p.work_fen), "certified": yuan(p.certified_fen),
                  "paid": yuan(p.paid_fen)} for p in points],
    }
