"""Households (one per title certificate, 权证): creating, changing, the strategy (一户一策), searching."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec
from piccolo.columns.combination import Or, Where

from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.db import is_postgres, transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.rules import effective_area, owner_key
from tracker.register.schemas import HouseholdIn, HouseholdOut, HouseholdPatch
from tracker.register.services.projects import project_row, writable_project
from tracker.register.services.records import record_row
from tracker.register.tables import Dwelling, Holding, Household
from tracker.rows import to_schema

# A household's columns named as HouseholdOut names them (area and dwellings come from its holdings).
OUT_COLUMNS = (
    Household.id, Household.project.as_alias("project_id"), Household.certificate_no, Household.holder_names,
    Household.kind, Household.office, Household.subdistrict, Household.phone, Household.contact_status,
    Household.strategy, Household.strategy_updated_at,
)


async def household_row(household_id: int) -> dict:
    return await record_row(Household, household_id, "No household {id}.", "household_id")


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
    """A household with what its holdings add: the area that counts and the dwellings it holds."""
    area = sum(
        (effective_area(h["registered_area"], h["surveyed_area"], h["contract_area"]) for h in holdings), Decimal(0)
    )
    return to_schema(row, HouseholdOut, area=area, dwellings=sorted(f"{h['building']} {h['number']}" for h in holdings))


async def get_household(household_id: int) -> HouseholdOut:
    rows = await Household.select(*OUT_COLUMNS).where(Household.id == household_id)
    if not rows:
        raise NotFound("No household {id}.", field="household_id", id=household_id)
    return _household_out(rows[0], (await _holdings([household_id]))[household_id])


async def create_household(actor: Actor, project_id: int, data: HouseholdIn) -> HouseholdOut:
    async with transaction():
        await writable_project(project_id)
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
        before = await household_row(household_id)
        await writable_project(before["project"])
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
        before = await household_row(household_id)
        await writable_project(before["project"])
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
    await project_row(project_id)
    conditions = _household_conditions(project_id, f)
    total = await Household.count().where(*conditions)
    rows = await (
        Household.select(*OUT_COLUMNS)
        .where(*conditions)
        .order_by(Household.certificate_no)
        .offset(f.offset)
        .limit(f.limit)
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
