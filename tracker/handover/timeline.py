"""Delivery schedule rules (pure): a building's delivery date, a batch's forecast, slippage and the
prerequisites missing as the planned date comes near.

A building delivers on its 交付 milestone: the actual date once recorded, else the forecast, else the
plan. A batch's forecast is its latest building's. A batch slips when that forecast is past its planned
date. Within `warning_days` (30) of the planned date every building should have passed per-unit
acceptance and completion acceptance; each one that has not is a missing prerequisite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.handover.kinds import Milestone

# Milestones that must be done (actual date recorded) before a batch can be delivered.
PREREQUISITES = (Milestone.units_accepted, Milestone.completion_accepted)


@dataclass(frozen=True)
class Dates:
    planned_on: dt.date | None = None
    forecast_on: dt.date | None = None
    actual_on: dt.date | None = None

    @property
    def expected(self) -> dt.date | None:
        return self.actual_on or self.forecast_on or self.planned_on


def delivery_on(milestones: Mapping[Milestone, Dates]) -> dt.date | None:
    dates = milestones.get(Milestone.handed_over)
    return dates.expected if dates else None


def batch_forecast(buildings: Iterable[Mapping[Milestone, Dates]]) -> dt.date | None:
    days = [day for day in (delivery_on(m) for m in buildings) if day is not None]
    return max(days) if days else None


def slipping_days(planned_on: dt.date, forecast_on: dt.date | None) -> int:
    return max(0, (forecast_on - planned_on).days) if forecast_on else 0


def missing_prerequisites(planned_on: dt.date, today: dt.date, buildings: Mapping[str, Mapping[Milestone, Dates]],
                          *, warning_days: int = 30) -> list[str]:
    """`"<building>: <milestone>"` for each prerequisite not done when the planned date is near."""
    if (planned_on - today).days > warning_days:
        return []
    return [
        f"{name}: {milestone.value}"
        for name, milestones in buildings.items()
        for milestone in PREREQUISITES
        if not (milestones.get(milestone) and milestones[milestone].actual_on)
    ]
