"""Warranty on the period boundaries: the day before and the day of expiry, and heating seasons."""

import datetime as dt

import pytest

from tracker.handover.kinds import WarrantyPart
from tracker.handover.warranty import Season, classify, last_covered_day

COMPLETED = dt.date(2024, 6, 30)


@pytest.mark.parametrize(("part", "last"), [
    (WarrantyPart.fit_out, dt.date(2026, 6, 29)),
    (WarrantyPart.electrical, dt.date(2026, 6, 29)),
    (WarrantyPart.plumbing, dt.date(2026, 6, 29)),
    (WarrantyPart.waterproofing, dt.date(2029, 6, 29)),
    (WarrantyPart.structure, dt.date(2074, 6, 29)),
    # seasons starting on or after 2024-06-30: 2024-11-15..2025-03-15, 2025-11-15..2026-03-15
    (WarrantyPart.heating_cooling, dt.date(2026, 3, 15)),
])
def test_last_covered_day(part, last):
    assert last_covered_day(part, COMPLETED) == last
    assert classify(part, COMPLETED, last).in_warranty
    assert not classify(part, COMPLETED, last + dt.timedelta(days=1)).in_warranty


def test_completion_inside_a_season_counts_the_next_two_full_seasons():
    assert last_covered_day(WarrantyPart.heating_cooling, dt.date(2024, 12, 1)) == dt.date(2027, 3, 15)
    assert last_covered_day(WarrantyPart.heating_cooling, dt.date(2024, 11, 15)) == dt.date(2026, 3, 15)


def test_a_southern_cooling_season_is_configurable():
    summer = Season(start=(6, 1), end=(9, 30))
    assert last_covered_day(WarrantyPart.heating_cooling, COMPLETED, season=summer) == dt.date(2026, 9, 30)


def test_leap_day_completion():
    assert last_covered_day(WarrantyPart.fit_out, dt.date(2024, 2, 29)) == dt.date(2026, 2, 27)


def test_reason_names_the_part_and_the_last_day():
    verdict = classify(WarrantyPart.fit_out, COMPLETED, dt.date(2026, 7, 1))
    assert not verdict.in_warranty
    assert verdict.reason.format(**verdict.params) == "Out of warranty: fit_out was covered until 2026-06-29."
