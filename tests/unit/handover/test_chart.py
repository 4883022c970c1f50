"""The delivery timeline's geometry: marks where their dates fall, today's line, late marks, the table."""

import datetime as dt

from tracker.handover import chart

TODAY = dt.date(2026, 12, 1)


def _group(**dates) -> chart.Group:
    stones = (chart.Stone("topped_out", dt.date(2026, 6, 1), None, dt.date(2026, 6, 21)),
              chart.Stone("handed_over", dt.date(2026, 12, 20), dates.get("forecast"), None))
    return chart.Group("第一批", dt.date(2026, 12, 20), dates.get("forecast"), 0, (chart.Lane("A1栋", stones),))


def test_marks_fall_on_their_dates_between_the_span_ends():
    drawn = chart.chart([_group(forecast=dt.date(2027, 1, 19))], TODAY)
    # The span runs a week before the earliest date (2026-05-25) to a week after the latest (2027-01-26).
    first, last = dt.date(2026, 5, 25), dt.date(2027, 1, 26)
    width = chart.WIDTH - chart.LEFT - chart.RIGHT

    def x(day):
        return float(chart.LEFT + width * (day - first).days / (last - first).days)

    building = drawn["rows"][1]
    marks = {(m["milestone"], m["kind"]): m for m in building["marks"]}
    assert abs(float(marks[("topped_out", "actual")]["x"]) - x(dt.date(2026, 6, 21))) < 0.06
    assert abs(float(drawn["today"]["x"]) - x(TODAY)) < 0.06
    assert float(drawn["rows"][0]["planned_x"]) < float(drawn["rows"][0]["forecast_x"])
    # Actual after plan and forecast after plan are late; a planned mark never is.
    assert marks[("topped_out", "actual")]["late"] and marks[("handed_over", "forecast")]["late"]
    assert not marks[("handed_over", "planned")]["late"]
    assert [r["milestone"] for r in drawn["table"]] == ["topped_out", "handed_over"]
    assert drawn["table"][1]["late"] and drawn["height"] > drawn["bottom"]


def test_a_schedule_on_time_has_no_late_marks_and_rates_read_as_percentages():
    drawn = chart.chart([_group(forecast=dt.date(2026, 12, 18))], TODAY)
    assert not drawn["rows"][1]["marks"][-1]["late"]
    assert chart.rate(1, 3) == "33.3%" and chart.rate(2, 3) == "66.7%" and chart.rate(0, 0) == "—"
