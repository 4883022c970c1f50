"""Warranty periods after completion acceptance, and whether a defect is in warranty (pure).

建设工程质量管理条例 第四十条, counted from the completion-acceptance (竣工验收) date:
- foundations and main structure: the design's reasonable service life (`design_life_years`, 50 by default);
- roofing waterproofing, rooms with waterproofing, external walls against leaks: 5 years;
- heating and cooling systems: two heating (or cooling) seasons;
- electrical wiring, water supply and drainage, equipment installation, fit-out: 2 years.

A period of N years covers the completion date up to and including the day before its N-th anniversary
(completed 2024-06-30: a 2-year part is covered through 2026-06-29, not on 2026-06-30; 29 February
anniversaries fall on 28 February). Two seasons cover through the last day of the second full season
that starts after completion (heating season 15 Nov – 15 Mar by default, configurable per region).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.handover.kinds import WarrantyPart

YEARS = {
    WarrantyPart.waterproofing: 5,
    WarrantyPart.electrical: 2,
    WarrantyPart.plumbing: 2,
    WarrantyPart.equipment: 2,
    WarrantyPart.fit_out: 2,
}


@dataclass(frozen=True)
class Season:
    """A heating (or cooling) season from (month, day) to (month, day), possibly across new year."""

    start: tuple[int, int] = (11, 15)
    end: tuple[int, int] = (3, 15)

    def seasons_from(self, day: dt.date):
        """(first day, last day) of each full season starting on or after `day`."""
        year = day.year
        while True:
            start = dt.date(year, *self.start)
            end_year = year + 1 if self.end < self.start else year
            end = dt.date(end_year, *self.end)
            if start >= day:
                yield start, end
            year += 1


@dataclass(frozen=True)
class Verdict:
    in_warranty: bool
    last_day: dt.date
    reason: str  # msgid with {part} {last_day} placeholders filled by the caller's translation
    params: dict


def anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def last_covered_day(part: WarrantyPart, completed_on: dt.date, *, design_life_years: int = 50,
                     season: Season = Season()) -> dt.date:
    if part is WarrantyPart.structure:
        return anniversary(completed_on, design_life_years) - dt.timedelta(days=1)
    if part is WarrantyPart.heating_cooling:
        seasons = season.seasons_from(completed_on)
        next(seasons)
        return next(seasons)[1]
    return anniversary(completed_on, YEARS[part]) - dt.timedelta(days=1)


def classify(part: WarrantyPart, completed_on: dt.date | None, reported_on: dt.date, *,
             design_life_years: int = 50, season: Season = Season()) -> Verdict:
    """In or out of warranty, with the reason a resident is shown."""
    if completed_on is None:
        return Verdict(True, reported_on, "The building has no completion acceptance yet: the builder answers for it.",
                       {})
    last = last_covered_day(part, completed_on, design_life_years=design_life_years, season=season)
    if reported_on < completed_on:
        return Verdict(True, last, "Reported before completion acceptance: the builder answers for it.", {})
    if reported_on <= last:
        return Verdict(True, last, "In warranty: {part} is covered until {last_day}.",
                       {"part": part.value, "last_day": last.isoformat()})
    return Verdict(False, last, "Out of warranty: {part} was covered until {last_day}.",
                   {"part": part.value, "last_day": last.isoformat()})
