"""Register rules: projects, buildings, dwellings, households, holdings and the household file."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from decimal import Decimal

import msgspec
from piccolo.columns.combination import Or, Where

from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership
from tracker.db import is_postgres, transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.schemas import (
    BuildingIn,
    BuildingOut,
    DwellingIn,
    DwellingOut,
    FileEntryIn,
    FileEntryOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ProjectIn,
    ProjectOut,
)
from tracker.register.tables import Building, Dwelling, FileEntry, Holding, Household, Project
from tracker.settings import get_settings


def owner_key(owner_id: str) -> str:
    """A stable key for an owner's identity number that does not reveal it.

    Keyed with the instance secret: identity numbers are guessable, a plain hash would not hide them.
    """
    normal = "".join(owner_id.split()).upper()
    return hmac.new(get_settings().secret_key.encode(), normal.encode(), hashlib.sha256).hexdigest()


def effective_area(registered: Decimal | None, surveyed: Decimal | None, contract: Decimal | None) -> Decimal:
    """SPC 2020: the registered area, else the surveyed area, else the contract area."""
    for area in (registered, surveyed, contract):
        if area is not None:
            return Decimal(area)
    return Decimal(0)


# ---------------------------------------------------------------- projects


def _project_out(row: dict, counts: dict | None = None) -> ProjectOut:
    counts = counts or {}
    return ProjectOut(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        district=row["district"],
        subdistrict=row["subdistrict"],
        address=row["address"],
        status=row["status"],
        planned_start=row["planned_start"],
        planned_end=row["planned_end"],
        actual_start=row["actual_start"],
        actual_end=row["actual_end"],
        **counts,
    )


def _check_dates(data: ProjectIn) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a, b = getattr(data, start), getattr(data, end)
        if a and b and b < a:
            raise Invalid("{end} is before {start}.", field=end, end=end, start=start)


async def create_project(actor: Actor, data: ProjectIn) -> ProjectOut:
    _check_dates(data)
    async with transaction():
        if await Project.exists().where(Project.code == data.code):
            raise Conflict("A project with code {code} already exists.", field="code", code=data.code)
        values = msgspec.structs.asdict(data)
        row = (await Project.insert(Project(**values)).returning(*Project.all_columns()))[0]
        if actor.id is not None and not actor.is_admin:
            await Membership.insert(Membership(user=actor.id, project=row["id"]))
        await audit.record(actor, "project.create", "project", row["id"], values)
    return _project_out(row)


async def update_project(actor: Actor, project_id: int, data: ProjectIn) -> ProjectOut:
    _check_dates(data)
    async with transaction():
        await _project_row(project_id)
        if await Project.exists().where(Project.code == data.code, Project.id != project_id):
            raise Conflict("A project with code {code} already exists.", field="code", code=data.code)
        values = msgspec.structs.asdict(data)
        await Project.update(values).where(Project.id == project_id)
        await audit.record(actor, "project.update", "project", project_id, values)
    return await get_project(project_id)


async def _project_row(project_id: int) -> dict:
    rows = await Project.select().where(Project.id == project_id)
    if not rows:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    return rows[0]


async def get_project(project_id: int) -> ProjectOut:
    row = await _project_row(project_id)
    counts = {
        "buildings": await Building.count().where(Building.project == project_id),
        "dwellings": await Dwelling.count().where(Dwelling.project == project_id),
        "households": await Household.count().where(Household.project == project_id),
    }
    return _project_out(row, counts)


async def list_projects(actor: Actor) -> list[ProjectOut]:
    query = Project.select().order_by(Project.id)
    if not actor.is_admin:
        if not actor.project_ids:
            return []
        query = query.where(Project.id.is_in(list(actor.project_ids)))
    return [_project_out(row) for row in await query]


# ---------------------------------------------------------------- buildings and dwellings


async def add_building(actor: Actor, project_id: int, data: BuildingIn) -> BuildingOut:
    async with transaction():
        await _project_row(project_id)
        if await Building.exists().where(Building.project == project_id, Building.name == data.name):
            raise Conflict("Building {name} already exists in this project.", field="name", name=data.name)
        values = msgspec.structs.asdict(data)
        row = (await Building.insert(Building(project=project_id, **values)).returning(Building.id))[0]
        await audit.record(actor, "building.create", "building", row["id"], {"project_id": project_id, **values})
    return BuildingOut(id=row["id"], project_id=project_id, **values)


async def list_buildings(project_id: int) -> list[BuildingOut]:
    await _project_row(project_id)
    rows = await Building.select().where(Building.project == project_id).order_by(Building.id)
    counts: dict[int, int] = defaultdict(int)
    for row in await Dwelling.select(Dwelling.building).where(Dwelling.project == project_id):
        counts[row["building"]] += 1
    return [
        BuildingOut(
            id=r["id"],
            project_id=project_id,
            name=r["name"],
            floors=int(r["floors"]) if r["floors"] is not None else None,
            built_year=int(r["built_year"]) if r["built_year"] is not None else None,
            address=r["address"],
            dwellings=counts[r["id"]],
        )
        for r in rows
    ]


async def _building_row(building_id: int) -> dict:
    rows = await Building.select().where(Building.id == building_id)
    if not rows:
        raise NotFound("No building {id}.", field="building_id", id=building_id)
    return rows[0]


def check_area(field: str, value: Decimal | None) -> None:
    """Areas are positive, below 100,000 m², with at most two decimal places (as registered)."""
    if value is None:
        return
    if not value.is_finite() or value <= 0 or value >= 100000:
        raise Invalid("{name} must be greater than 0 and below 100000 m².", field=field, name=field)
    if value.as_tuple().exponent < -2:
        raise Invalid("{name} has more than two decimal places.", field=field, name=field)


async def building_project(building_id: int) -> int:
    return (await _building_row(building_id))["project"]


async def add_dwelling(actor: Actor, building_id: int, data: DwellingIn) -> DwellingOut:
    for field in ("registered_area", "surveyed_area", "contract_area"):
        check_area(field, getattr(data, field))
    async with transaction():
        building = await _building_row(building_id)
        if await Dwelling.exists().where(Dwelling.building == building_id, Dwelling.number == data.number):
            raise Conflict("Dwelling {number} already exists in this building.", field="number", number=data.number)
        values = msgspec.structs.asdict(data)
        row = (
            await Dwelling.insert(Dwelling(project=building["project"], building=building_id, **values)).returning(
                Dwelling.id
            )
        )[0]
        await audit.record(actor, "dwelling.create", "dwelling", row["id"], {"building_id": building_id, **values})
    return DwellingOut(
        id=row["id"], project_id=building["project"], building_id=building_id, building=building["name"], **values
    )


async def list_dwellings(building_id: int) -> list[DwellingOut]:
    building = await _building_row(building_id)
    holdings = {
        h["dwelling"]: h
        for h in await Holding.select(
            Holding.dwelling, Holding.household, Holding.household.certificate_no.as_alias("certificate_no")
        ).where(Holding.dwelling.building == building_id)
    }
    dwellings = await Dwelling.select().where(Dwelling.building == building_id).order_by(Dwelling.number)
    return [
        DwellingOut(
            id=d["id"],
            project_id=d["project"],
            building_id=building_id,
            building=building["name"],
            number=d["number"],
            stairwell=d["stairwell"],
            floor=int(d["floor"]) if d["floor"] is not None else None,
            registered_area=d["registered_area"],
            surveyed_area=d["surveyed_area"],
            contract_area=d["contract_area"],
            household_id=holdings[d["id"]]["household"] if d["id"] in holdings else None,
            certificate_no=holdings[d["id"]]["certificate_no"] if d["id"] in holdings else None,
        )
        for d in dwellings
    ]


# ---------------------------------------------------------------- households


async def _household_row(household_id: int) -> dict:
    rows = await Household.select().where(Household.id == household_id)
    if not rows:
        raise NotFound("No household {id}.", field="household_id", id=household_id)
    return rows[0]


async def household_project(household_id: int) -> int:
    return (await _household_row(household_id))["project"]


async def _holdings(household_ids: list[int]) -> dict[int, list[dict]]:
    by_household: dict[int, list[dict]] = defaultdict(list)
    if not household_ids:
        return by_household
    rows = await Holding.select(
        Holding.household,
        Holding.dwelling.number.as_alias("number"),
        Holding.dwelling.building.name.as_alias("building"),
        Holding.dwelling.registered_area.as_alias("registered_area"),
        Holding.dwelling.surveyed_area.as_alias("surveyed_area"),
        Holding.dwelling.contract_area.as_alias("contract_area"),
    ).where(Holding.household.is_in(household_ids))
    for row in rows:
        by_household[row["household"]].append(row)
    return by_household


def _household_out(row: dict, holdings: list[dict]) -> HouseholdOut:
    area = sum(
        (effective_area(h["registered_area"], h["surveyed_area"], h["contract_area"]) for h in holdings), Decimal(0)
    )
    return HouseholdOut(
        id=row["id"],
        project_id=row["project"],
        certificate_no=row["certificate_no"],
        holder_names=row["holder_names"],
        kind=row["kind"],
        office=row["office"],
        subdistrict=row["subdistrict"],
        phone=row["phone"],
        contact_status=row["contact_status"],
        strategy=row["strategy"],
        strategy_updated_at=row["strategy_updated_at"],
        area=area,
        dwellings=sorted(f"{h['building']} {h['number']}" for h in holdings),
    )


async def get_household(household_id: int) -> HouseholdOut:
    row = await _household_row(household_id)
    return _household_out(row, (await _holdings([household_id]))[household_id])


async def create_household(actor: Actor, project_id: int, data: HouseholdIn) -> HouseholdOut:
    async with transaction():
        await _project_row(project_id)
        if await Household.exists().where(
            Household.project == project_id, Household.certificate_no == data.certificate_no
        ):
            raise Conflict(
                "Title certificate {certificate_no} is already on this project's roll.",
                field="certificate_no",
                certificate_no=data.certificate_no,
            )
        await _check_dwellings_free(project_id, data.dwelling_ids)
        values = msgspec.structs.asdict(data)
        dwelling_ids = values.pop("dwelling_ids")
        values["owner_key"] = owner_key(values.pop("owner_id"))
        row = (await Household.insert(Household(project=project_id, **values)).returning(Household.id))[0]
        for dwelling_id in dwelling_ids:
            await Holding.insert(Holding(household=row["id"], dwelling=dwelling_id))
        logged = {k: v for k, v in values.items() if k != "owner_key"}
        await audit.record(
            actor, "household.create", "household", row["id"], {**logged, "dwelling_ids": dwelling_ids}
        )
    return await get_household(row["id"])


async def _check_dwellings_free(project_id: int, dwelling_ids: list[int]) -> None:
    if not dwelling_ids:
        return
    if len(set(dwelling_ids)) != len(dwelling_ids):
        raise Invalid("A dwelling is listed twice.", field="dwelling_ids")
    found = await Dwelling.select(Dwelling.id).where(
        Dwelling.id.is_in(dwelling_ids), Dwelling.project == project_id
    )
    missing = sorted(set(dwelling_ids) - {r["id"] for r in found})
    if missing:
        raise NotFound("No dwelling {id} in this project.", field="dwelling_ids", id=missing[0])
    taken = await Holding.select(Holding.dwelling).where(Holding.dwelling.is_in(dwelling_ids))
    if taken:
        raise Conflict("Dwelling {id} is already on another title.", field="dwelling_ids", id=taken[0]["dwelling"])


async def update_household(actor: Actor, household_id: int, data: HouseholdPatch) -> HouseholdOut:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if not changes:
        raise Invalid("Nothing to change.", field="body")
    async with transaction():
        before = await _household_row(household_id)
        await Household.update(changes).where(Household.id == household_id)
        await audit.record(
            actor,
            "household.update",
            "household",
            household_id,
            {"changes": changes, "before": {k: before[k] for k in changes}},
        )
    return await get_household(household_id)


async def set_strategy(actor: Actor, household_id: int, strategy: str) -> HouseholdOut:
    """Replace the household's current strategy (一户一策); the audit log keeps every earlier one."""
    async with transaction():
        before = await _household_row(household_id)
        now = clock.now()
        await Household.update({Household.strategy: strategy.strip(), Household.strategy_updated_at: now}).where(
            Household.id == household_id
        )
        await audit.record(
            actor, "household.strategy", "household", household_id, {"strategy": strategy, "before": before["strategy"]}
        )
    return await get_household(household_id)


class HouseholdFilter(msgspec.Struct, forbid_unknown_fields=True):
    q: str = ""
    office: str = ""
    subdistrict: str = ""
    kind: HouseholdKind | None = None
    contact_status: ContactStatus | None = None
    offset: int = 0
    limit: int = 50


def _household_conditions(project_id: int, f: HouseholdFilter) -> list[Where | Or]:
    conditions: list = [Household.project == project_id]
    if f.q.strip():
        like = f"%{f.q.strip()}%"
        # SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE for the same behaviour.
        match = (lambda column: column.ilike(like)) if is_postgres() else (lambda column: column.like(like))
        conditions.append(match(Household.certificate_no) | match(Household.holder_names) | match(Household.phone))
    if f.office:
        conditions.append(Household.office == f.office)
    if f.subdistrict:
        conditions.append(Household.subdistrict == f.subdistrict)
    if f.kind:
        conditions.append(Household.kind == f.kind.value)
    if f.contact_status:
        conditions.append(Household.contact_status == f.contact_status.value)
    return conditions


async def search_households(project_id: int, f: HouseholdFilter) -> tuple[list[HouseholdOut], int]:
    """One page of households matching the filter, with the total; two queries whatever the page size."""
    if f.limit < 1 or f.limit > 500:
        raise Invalid("limit must be between 1 and 500.", field="limit")
    if f.offset < 0:
        raise Invalid("offset must not be negative.", field="offset")
    await _project_row(project_id)
    conditions = _household_conditions(project_id, f)
    total = await Household.count().where(*conditions)
    rows = await (
        Household.select().where(*conditions).order_by(Household.certificate_no).offset(f.offset).limit(f.limit)
    )
    holdings = await _holdings([r["id"] for r in rows])
    return [_household_out(r, holdings[r["id"]]) for r in rows], total


async def household_groups(project_id: int) -> dict[str, list[str]]:
    """The distinct office and subdistrict labels of a project, for filters."""
    offices = await Household.select(Household.office).where(Household.project == project_id).distinct()
    subdistricts = await Household.select(Household.subdistrict).where(Household.project == project_id).distinct()
    return {
        "offices": sorted(r["office"] for r in offices if r["office"]),
        "subdistricts": sorted(r["subdistrict"] for r in subdistricts if r["subdistrict"]),
    }


# ---------------------------------------------------------------- the per-household file (一户一档)


async def add_file_entry(actor: Actor, household_id: int, data: FileEntryIn) -> FileEntryOut:
    if actor.id is None:
        raise Forbidden("File entries are written by a named member of staff.", rule="author")
    if data.occurred_on > clock.today():
        raise Invalid("The entry's date is in the future.", field="occurred_on")
    async with transaction():
        await _household_row(household_id)
        entry = FileEntry(
            household=household_id,
            kind=data.kind.value,
            occurred_on=data.occurred_on,
            summary=data.summary.strip(),
            author=actor.id,
        )
        row = (await FileEntry.insert(entry).returning(FileEntry.id, FileEntry.created_at))[0]
        await audit.record(
            actor, "household.file_entry", "household", household_id, {"entry_id": row["id"], **msgspec.structs.asdict(data)}
        )
    return FileEntryOut(
        id=row["id"],
        household_id=household_id,
        kind=data.kind,
        occurred_on=data.occurred_on,
        summary=entry.summary,
        author=actor.name,
        created_at=row["created_at"],
    )


async def list_file_entries(household_id: int) -> list[FileEntryOut]:
    await _household_row(household_id)
    rows = await (
        FileEntry.select(*FileEntry.all_columns(), FileEntry.author.display_name.as_alias("author_name"))
        .where(FileEntry.household == household_id)
        .order_by(FileEntry.occurred_on, ascending=False)
        .order_by(FileEntry.id, ascending=False)
    )
    return [
        FileEntryOut(
            id=r["id"],
            household_id=household_id,
            kind=r["kind"],
            occurred_on=r["occurred_on"],
            summary=r["summary"],
            author=r["author_name"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def resident_household_id(actor: Actor) -> int:
    if actor.role is not Role.resident or actor.household_id is None:
        raise Forbidden("Only a resident has an own household.", rule="resident")
    return actor.household_id





async def lock_project(project_id: int) -> None:
    """Serialise actions that must not interleave on one project (a roll import and opening a
    consultation on it). PostgreSQL locks the row; SQLite's IMMEDIATE transaction already serialises."""
    if is_postgres():
        await Project.select(Project.id).where(Project.id == project_id).lock_rows("UPDATE")
