"""Buildings and their dwellings (a dwelling's areas as registered, surveyed and contracted)."""

from __future__ import annotations

from collections import defaultdict

import msgspec

from piccolo.columns import Integer
from piccolo.query.functions import Cast

from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict
from tracker.register.rules import check_area
from tracker.register.schemas import BuildingIn, BuildingOut, DwellingIn, DwellingOut
from tracker.register.services.projects import project_row, writable_project
from tracker.register.services.records import record_row
from tracker.register.tables import Building, Dwelling, Holding
from tracker.rows import to_schema

AREAS = ("registered_area", "surveyed_area", "contract_area")


def _whole(column, name: str) -> Cast:
    """A NUMERIC(4, 0) column (floors, a year) as the integer the schema holds."""
    return Cast(column, Integer(), alias=name)


async def add_building(actor: Actor, project_id: int, data: BuildingIn) -> BuildingOut:
    async with transaction():
        await writable_project(project_id)
        if await Building.exists().where(Building.project == project_id, Building.name == data.name):
            raise Conflict("Building {name} already exists in this project.", field="name", name=data.name)
        values = msgspec.structs.asdict(data)
        row = (await Building.insert(Building(project=project_id, **values)).returning(Building.id))[0]
        await audit.record(actor, "building.create", "building", row["id"], {"project_id": project_id, **values})
    return BuildingOut(id=row["id"], project_id=project_id, **values)


async def list_buildings(project_id: int) -> list[BuildingOut]:
    await project_row(project_id)
    rows = await (
        Building.select(
            Building.id, Building.project.as_alias("project_id"), Building.name, _whole(Building.floors, "floors"),
            _whole(Building.built_year, "built_year"), Building.address,
        )
        .where(Building.project == project_id)
        .order_by(Building.id)
    )
    counts: dict[int, int] = defaultdict(int)
    for row in await Dwelling.select(Dwelling.building).where(Dwelling.project == project_id):
        counts[row["building"]] += 1
    return [to_schema(r, BuildingOut, dwellings=counts[r["id"]]) for r in rows]


async def building_row(building_id: int) -> dict:
    return await record_row(Building, building_id, "No building {id}.", "building_id")


async def building_project(building_id: int) -> int:
    return (await building_row(building_id))["project"]


async def add_dwelling(actor: Actor, building_id: int, data: DwellingIn) -> DwellingOut:
    for field in AREAS:
        check_area(field, getattr(data, field))
    async with transaction():
        building = await building_row(building_id)
        await writable_project(building["project"])
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
    await building_row(building_id)
    holdings = {
        h["dwelling"]: h
        for h in await Holding.select(
            Holding.dwelling, Holding.household.as_alias("household_id"),
            Holding.household.certificate_no.as_alias("certificate_no"),
        ).where(Holding.dwelling.building == building_id)
    }
    rows = await (
        Dwelling.select(
            Dwelling.id, Dwelling.project.as_alias("project_id"), Dwelling.building.as_alias("building_id"),
            Dwelling.building.name.as_alias("building"), Dwelling.number, Dwelling.stairwell, _whole(Dwelling.floor, "floor"),
            *(getattr(Dwelling, a) for a in AREAS),
        )
        .where(Dwelling.building == building_id)
        .order_by(Dwelling.number)
    )
    none = {"household_id": None, "certificate_no": None}
    return [to_schema(d, DwellingOut, **{k: holdings.get(d["id"], none)[k] for k in none}) for d in rows]
