"""Tables of the register: projects, buildings, dwellings, households and their files."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import (
    Date,
    ForeignKey,
    Numeric,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tracker.schema import one_of

from tracker.accounts.tables import User
from tracker.register.kinds import ContactStatus, FileEntryKind, HouseholdKind, ProjectKind, ProjectStatus

AREA = (12, 2)


class Project(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=40, unique=True, null=False)
    name = Varchar(length=200, null=False)
    kind = Varchar(length=40, null=False)
    district = Varchar(length=80, default="")
    subdistrict = Varchar(length=80, default="")
    address = Varchar(length=255, default="")
    status = Varchar(length=20, default=ProjectStatus.planning.value)
    planned_start = Date(null=True, default=None)
    planned_end = Date(null=True, default=None)
    actual_start = Date(null=True, default=None)
    actual_end = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # Set when an admin archives the project: from then on it is read-only (register.services.writable_project).
    archived_at = Timestamptz(null=True, default=None)

    kind_known = Check(one_of("kind", ProjectKind))
    status_known = Check(one_of("status", ProjectStatus))


class Building(Table):
    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    name = Varchar(length=80, null=False)  # e.g. "12号楼"
    floors = Numeric(digits=(4, 0), null=True, default=None)
    built_year = Numeric(digits=(4, 0), null=True, default=None)
    address = Varchar(length=255, default="")

    name_unique_in_project = Unique([project, name])


class Dwelling(Table):
    """An exclusive part (专有部分): a flat, shop or other unit with its areas."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=False, index=True, on_delete=OnDelete.restrict)
    number = Varchar(length=40, null=False)  # e.g. "2-301"
    stairwell = Varchar(length=20, default="")  # 单元
    floor = Numeric(digits=(4, 0), null=True, default=None)
    registered_area = Numeric(digits=AREA, null=True, default=None)  # 不动产登记面积
    surveyed_area = Numeric(digits=AREA, null=True, default=None)  # 测绘面积
    contract_area = Numeric(digits=AREA, null=True, default=None)  # 合同面积

    number_unique_in_building = Unique([building, number])
    areas_positive = Check(
        (registered_area.is_null() | (registered_area > Decimal(0)))
        & (surveyed_area.is_null() | (surveyed_area > Decimal(0)))
        & (contract_area.is_null() | (contract_area > Decimal(0)))
    )


class Household(Table):
    """A title certificate (权证) and its holders; the unit of a resettlement roll."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    certificate_no = Varchar(length=80, null=False)  # 权证号
    holder_names = Varchar(length=255, null=False)
    # Recognises one owner of several dwellings (SPC 2020: such an owner counts once); derived
    # from an identity document number by the importer, never shown.
    owner_key = Varchar(length=128, null=False, index=True)
    kind = Varchar(length=20, default=HouseholdKind.resident.value)
    office = Varchar(length=80, default="", index=True)  # 征收事务所 / 居委
    subdistrict = Varchar(length=80, default="", index=True)  # 街道
    phone = Varchar(length=40, default="")
    contact_status = Varchar(length=20, default=ContactStatus.reachable.value)
    strategy = Text(default="")  # 一户一策
    strategy_updated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

    certificate_unique_in_project = Unique([project, certificate_no])
    kind_known = Check(one_of("kind", HouseholdKind))
    contact_status_known = Check(one_of("contact_status", ContactStatus))


class Holding(Table):
    """Which dwellings a household's title covers; a dwelling is on at most one title."""

    id = Serial(primary_key=True)
    household = ForeignKey(references=Household, null=False, index=True, on_delete=OnDelete.restrict)
    dwelling = ForeignKey(references=Dwelling, null=False, unique=True, on_delete=OnDelete.restrict)


class FileEntry(Table):
    """A dated entry in the per-household file (一户一档)."""

    id = Serial(primary_key=True)
    household = ForeignKey(references=Household, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, null=False)
    occurred_on = Date(null=False)
    summary = Text(null=False)
    author = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())

    kind_known = Check(one_of("kind", FileEntryKind))
    summary_present = Check("length(trim(\"summary\")) > 0")
