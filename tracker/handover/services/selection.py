"""The selection desk: an entitled household chooses a unit in its slot; the price difference follows.

One unit goes to one household: the unit row moves from available to selected by one conditional
UPDATE (the row lock decides between two desks at once: one success, one 409 `unit_taken`), and
`selection.unit` is unique as the backstop. The household's count of units is a CHECKed running total.

The desk is a queue at busy times (bench/selection.py: 20 desks), so a selection costs two statements
after the request's own one (session, user, memberships and the project's archived state, read together
by `tracker.accounts.sessions`): one read of everything the rules need (household, slot, terms, unit,
its building and number), and one write, its values sent as parameters (prepared once per connection,
not parsed and planned per selection). On PostgreSQL the
write is a single data-modifying WITH, atomic by itself: the unit's conditional UPDATE, the household's
count (its CHECK `entitlement_counts` refuses one unit too many, aborting the whole statement), the
selection, and the audit record, appended only when the selection was written (`audit.pg_append_ctes`),
so the audit chain's head is locked only while the server runs that one statement. SQLite, which has no
data-modifying WITH, writes the same rows one by one in its IMMEDIATE transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import asyncpg
from piccolo.query import WhereRaw

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import integrity_conflict, is_postgres, transaction
from tracker.errors import Conflict, NotFound
from tracker.handover import pricing
from tracker.handover.kinds import UnitStatus
from tracker.handover.schemas import SelectedUnitOut, SelectIn, SelectionOut, StepOut
from tracker.handover.services.common import area, check_own_or_member, check_project, pricing_terms, terms_row
from tracker.handover.tables import Entitlement, Selection, Unit
from tracker.rows import to_schemas

# Everything the desk's rules read, in one statement: the household's entitlement and slot, the
# project's terms, and the unit with its building and number (NULL when there is no such unit).
_DESK_READ = (
    "SELECT e.project, e.quota_area, e.slot, e.units_selected, e.units_allowed, s.starts_at, s.ends_at, "
    "t.id AS terms_id, t.quota_m2_per_person, t.base_price_fen, t.tier1_m2, t.tier2_m2, t.tier2_factor, "
    "t.shortfall_price_fen, u.project AS unit_project, u.contract_area, u.status AS unit_status, "
    "b.name AS building_name, d.number AS dwelling_number{next_id} "
    "FROM entitlement e LEFT JOIN selection_slot s ON s.id = e.slot "
    "LEFT JOIN handover_terms t ON t.project = e.project "
    "LEFT JOIN unit u ON u.id = {{}} LEFT JOIN building b ON b.id = u.building "
    "LEFT JOIN dwelling d ON d.id = u.dwelling WHERE e.id = {{}}"
)
_PG_NEXT_ID = ", nextval(pg_get_serial_sequence('selection', 'id')) AS next_id"


def _when(value) -> dt.datetime:
    """A timestamp as read by a raw query (SQLite hands back its stored text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


async def select_unit(actor: Actor, data: SelectIn, *, project_id: int | None = None) -> SelectionOut:
    """Record a household's choice at the desk (`project_id`: the desk's project, when it names one)."""
    postgres = is_postgres()
    sql = _DESK_READ.format(next_id=_PG_NEXT_ID if postgres else "")
    rows = await Entitlement.raw(sql, data.unit_id, data.entitlement_id)
    if not rows or (project_id is not None and rows[0]["project"] != project_id):
        raise NotFound("No entitlement {id}.", field="entitlement_id", id=data.entitlement_id)
    row = rows[0]
    project_id = row["project"]
    check_project(actor, project_id)
    if row["terms_id"] is None:
        await terms_row(project_id)  # raises: the project's terms come first
    terms = pricing_terms(row)
    now = clock.now()
    if row["slot"] is None:
        raise Conflict("The household has no selection slot yet.", field="entitlement_id", rule="slot_required")
    starts, ends = _when(row["starts_at"]), _when(row["ends_at"])
    if not starts <= now < ends:
        raise Conflict("The household's slot is {starts} to {ends}; it cannot select now.", field="entitlement_id",
                       rule="outside_slot", starts=clock.local(starts).strftime("%Y-%m-%d %H:%M"),
                       ends=clock.local(ends).strftime("%H:%M"))
    if row["unit_project"] != project_id:
        raise NotFound("No unit {id} in this project.", field="unit_id", id=data.unit_id)
    quota, unit_area = area(row["quota_area"]), area(row["contract_area"])
    result = pricing.price(quota, unit_area, terms)  # refuses an overage beyond the limit
    if row["unit_status"] != UnitStatus.available.value:
        raise _taken()  # the write would refuse it too; a desk that lost a race hears it without writing
    if row["units_selected"] >= row["units_allowed"]:
        raise _all_selected()
    if postgres:
        selection_id = int(row["next_id"])
        await _write_pg(actor, data, project_id, selection_id, result.total_fen, now)
    else:
        selection_id = await _write(actor, data, project_id, result.total_fen, now)
    return SelectionOut(
        id=selection_id, entitlement_id=data.entitlement_id, unit_id=data.unit_id,
        unit=f"{row['building_name']} {row['dwelling_number']}", quota_area=quota, area=unit_area,
        steps=[StepOut(s.label, s.area, s.price_fen, s.amount_fen) for s in result.steps],
        price_difference_fen=result.total_fen, true_up_fen=None, selected_at=now,
    )


def _taken() -> Conflict:
    return Conflict("The unit is not available (taken or not yet completed).", field="unit_id", rule="unit_taken")


def _all_selected() -> Conflict:
    return Conflict("The household has selected all the units it is entitled to.", field="entitlement_id",
                    rule="units_allowed")


def _payload(data: SelectIn, price_fen: int) -> dict:
    return {"entitlement_id": data.entitlement_id, "unit_id": data.unit_id, "price_difference_fen": price_fen}


async def _write(actor: Actor, data: SelectIn, project_id: int, price_fen: int, now: dt.datetime) -> int:
    async with transaction():
        taken = await Unit.update({Unit.status: UnitStatus.selected.value}).where(
            Unit.id == data.unit_id, Unit.project == project_id,
            Unit.status == UnitStatus.available.value).returning(Unit.id)
        if not taken:
            raise _taken()
        counted = await Entitlement.update({Entitlement.units_selected: Entitlement.units_selected + 1}).where(
            Entitlement.id == data.entitlement_id, WhereRaw("units_selected < units_allowed"),
        ).returning(Entitlement.id)
        if not counted:
            raise _all_selected()
        selection_id = (await Selection.insert(Selection(
            project=project_id, entitlement=data.entitlement_id, unit=data.unit_id, selected_by=actor.id,
            selected_at=now, price_difference_fen=price_fen,
        )).returning(Selection.id))[0]["id"]
        await audit.record(actor, "handover.select", "selection", selection_id, _payload(data, price_fen))
    return selection_id


async def _write_pg(actor: Actor, data: SelectIn, project_id: int, selection_id: int, price_fen: int,
                    now: dt.datetime) -> None:
    """The selection as one statement (see the module's docstring), its values as parameters: the same
    text every time, prepared once per connection."""
    audit_ctes, audit_args = audit.pg_append_ctes(actor, "handover.select", "selection", selection_id,
                                                  _payload(data, price_fen), when="EXISTS (SELECT 1 FROM chosen)")
    sql = (
        "WITH taken AS (UPDATE unit SET status = 'selected' "
        "WHERE id = {} AND project = {} AND status = 'available' RETURNING id), "
        "counted AS (UPDATE entitlement SET units_selected = units_selected + 1 "
        "WHERE id = {} AND EXISTS (SELECT 1 FROM taken) RETURNING id), "
        "chosen AS (INSERT INTO selection (id, project, entitlement, unit, selected_at, selected_by, "
        "price_difference_fen) SELECT {}::int, {}::int, counted.id, taken.id, {}::timestamptz, {}::int, {}::bigint "
        "FROM taken, counted RETURNING id), "
        + audit_ctes
        + " SELECT seq FROM appended"
    )
    try:
        # It runs in the caller's transaction if there is one, else as its own.
        written = await Unit.raw(sql, data.unit_id, project_id, data.entitlement_id, selection_id, project_id,
                                 now, actor.id, price_fen, *audit_args)
    except asyncpg.IntegrityConstraintViolationError as exc:
        if exc.constraint_name == "entitlement_counts":  # another desk took this household's last unit
            raise _all_selected() from exc
        raise integrity_conflict(exc) from exc
    if not written:
        raise _taken()


def _steps(quota: Decimal, unit_area: Decimal, terms: pricing.Terms) -> list[StepOut]:
    return [StepOut(s.label, s.area, s.price_fen, s.amount_fen) for s in pricing.price(quota, unit_area, terms).steps]


async def get_selection(actor: Actor, selection_id: int) -> SelectionOut:
    rows = await Selection.select(
        Selection.id, Selection.project, Selection.entitlement, Selection.unit, Selection.selected_at,
        Selection.price_difference_fen, Selection.true_up_fen, Selection.entitlement.quota_area.as_alias("quota"),
        Selection.entitlement.household.as_alias("household"), Selection.unit.contract_area.as_alias("area"),
        Selection.unit.building.name.as_alias("building"), Selection.unit.dwelling.number.as_alias("number"),
    ).where(Selection.id == selection_id)
    if not rows:
        raise NotFound("No selection {id}.", field="selection_id", id=selection_id)
    row = rows[0]
    check_own_or_member(actor, row["household"], row["project"])
    terms = pricing_terms(await terms_row(row["project"]))
    quota, unit_area = area(row["quota"]), area(row["area"])
    return SelectionOut(
        id=row["id"], entitlement_id=row["entitlement"], unit_id=row["unit"],
        unit=f"{row['building']} {row['number']}", quota_area=quota, area=unit_area,
        steps=_steps(quota, unit_area, terms), price_difference_fen=row["price_difference_fen"],
        true_up_fen=row["true_up_fen"], selected_at=row["selected_at"],
    )


async def selection_of(entitlement_id: int) -> list[int]:
    return [r["id"] for r in await Selection.select(Selection.id).where(Selection.entitlement == entitlement_id)]


async def selection_of_unit(unit_id: int) -> int | None:
    """The selection that chose `unit_id`, if any (a unit is chosen once): its handover desk's address."""
    rows = await Selection.select(Selection.id).where(Selection.unit == unit_id)
    return rows[0]["id"] if rows else None


async def latest_selections(project_id: int, limit: int = 20) -> list[SelectedUnitOut]:
    """The project's latest units chosen, newest first: the desk links each one's handover desk."""
    rows = await Selection.select(
        Selection.id, Selection.unit.building.name.as_alias("building"),
        Selection.unit.dwelling.number.as_alias("number"), Selection.selected_at,
    ).where(Selection.project == project_id).order_by(Selection.id, ascending=False).limit(limit)
    return to_schemas(rows, SelectedUnitOut)
