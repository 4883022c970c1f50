"""Guards of the register: which path parameters name a record of which project, and the resident's own household."""

from __future__ import annotations

from tracker.register.tables import Building, Household

PROJECT_PATHS = {
    "building_id": Building.project,
    "household_id": Household.project,
}
