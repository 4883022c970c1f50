"""Request and response shapes of the register (msgspec Structs, separate from the tables)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec

from tracker.register.kinds import ContactStatus, FileEntryKind, HouseholdKind, ProjectKind, ProjectStatus
from tracker.types import Area, Bounded, Id

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Short = Annotated[str, msgspec.Meta(max_length=80)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]


class ProjectIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: ProjectKind
    district: Short = ""
    subdistrict: Short = ""
    address: Annotated[str, msgspec.Meta(max_length=255)] = ""
    status: ProjectStatus = ProjectStatus.planning
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None


class ProjectOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: ProjectKind
    district: str
    subdistrict: str
    address: str
    status: ProjectStatus
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    archived_at: dt.datetime | None = None
    buildings: int = 0
    dwellings: int = 0
    households: int = 0


class BuildingIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    floors: Annotated[int, msgspec.Meta(ge=1, le=200)] | None = None
    built_year: Annotated[int, msgspec.Meta(ge=1900, le=2100)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=255)] = ""


class BuildingOut(msgspec.Struct):
    id: int
    project_id: int
    name: str
    floors: int | None
    built_year: int | None
    address: str
    dwellings: int = 0


class DwellingIn(Bounded, forbid_unknown_fields=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    stairwell: Annotated[str, msgspec.Meta(max_length=20)] = ""
    floor: Annotated[int, msgspec.Meta(ge=-10, le=200)] | None = None
    registered_area: Area | None = None
    surveyed_area: Area | None = None
    contract_area: Area | None = None


class DwellingOut(msgspec.Struct):
    id: int
    project_id: int
    building_id: int
    building: str
    number: str
    stairwell: str
    floor: int | None
    registered_area: Decimal | None
    surveyed_area: Decimal | None
    contract_area: Decimal | None
    household_id: int | None = None
    certificate_no: str | None = None


class HouseholdIn(msgspec.Struct, forbid_unknown_fields=True):
    certificate_no: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    holder_names: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    owner_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    kind: HouseholdKind = HouseholdKind.resident
    office: Short = ""
    subdistrict: Short = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    contact_status: ContactStatus = ContactStatus.reachable
    dwelling_ids: list[Id] = []


class HouseholdPatch(msgspec.Struct, forbid_unknown_fields=True):
    holder_names: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    office: Short | None = None
    subdistrict: Short | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    contact_status: ContactStatus | None = None


class StrategyIn(msgspec.Struct, forbid_unknown_fields=True):
    strategy: Annotated[str, msgspec.Meta(max_length=4000)]


class HouseholdOut(msgspec.Struct):
    id: int
    project_id: int
    certificate_no: str
    holder_names: str
    kind: HouseholdKind
    office: str
    subdistrict: str
    phone: str
    contact_status: ContactStatus
    strategy: str
    strategy_updated_at: dt.datetime | None
    area: Decimal
    dwellings: list[str] = []


class FileEntryIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: FileEntryKind
    occurred_on: dt.date
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class FileEntryOut(msgspec.Struct):
    id: int
    household_id: int
    kind: FileEntryKind
    occurred_on: dt.date
    summary: str
    author: str
    created_at: dt.datetime


class Page(msgspec.Struct):
    items: list
    total: int
    offset: int
    limit: int


class ImportReport(msgspec.Struct):
    """What a roll import added (all rows or none)."""

    imported: int
    buildings_created: int
    dwellings_created: int
