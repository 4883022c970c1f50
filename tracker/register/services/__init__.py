"""The register's business actions, by sub-domain: projects, buildings and dwellings, households, the
household file (一户一档), roll import and export. Callers write `from tracker.register import services`."""

from tracker.register.rules import effective_area, owner_key
from tracker.register.services.buildings import (
    add_building,
    add_dwelling,
    building_project,
    list_buildings,
    list_dwellings,
)
from tracker.register.services.files import add_file_entry, list_file_entries
from tracker.register.services.households import (
    HouseholdFilter,
    create_household,
    get_household,
    household_groups,
    search_households,
    set_strategy,
    update_household,
)
from tracker.register.services.projects import (
    archive_project,
    archived_conflict,
    create_project,
    get_project,
    list_projects,
    lock_project,
    refuse_archived,
    update_project,
    writable_project,
)
from tracker.register.services.roll_export import export_roll
from tracker.register.services.roll_import import import_roll

__all__ = [
    "HouseholdFilter",
    "add_building",
    "add_dwelling",
    "add_file_entry",
    "archive_project",
    "archived_conflict",
    "building_project",
    "create_household",
    "create_project",
    "effective_area",
    "export_roll",
    "get_household",
    "get_project",
    "household_groups",
    "import_roll",
    "list_buildings",
    "list_dwellings",
    "list_file_entries",
    "list_projects",
    "lock_project",
    "owner_key",
    "search_households",
    "set_strategy",
    "update_household",
    "refuse_archived",
    "update_project",
    "writable_project",
]
