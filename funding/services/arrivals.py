"""Arrivals (到位) of a source's money; a loan's arrivals are its drawdowns.

The source's running total moves by one conditional `UPDATE … SET arrived_fen = arrived_fen + n WHERE
arrived_fen + n <= committed_fen`, which takes the row lock: concurrent arrivals queue on it and never
pass the commitment (the CHECK on `funding_source` is the backstop).
"""

from __future__ import annotations

from piccolo.query import WhereRaw

from funding.kinds import LOAN_KINDS, SourceKind
from funding.schemas import ArrivalIn, ArrivalOut
from funding.services.common import require_project, row_of
from funding.tables import Arrival, FundingSource
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.rows import to_schemas

_COLUMNS = (Arrival.id, Arrival.project.as_alias("project_id"), Arrival.source.as_alias("source_id"),
            Arrival.arrived_on, Arrival.amount_fen, Arrival.voucher_no, Arrival.note)


async def arrive(actor: Actor, source_id: int, data: ArrivalIn, *, project_id: int | None = None,
                 kind: SourceKind | None = None) -> int:
    """Add an arrival inside the caller's transaction (the caller audits it); `project_id` and `kind`,
    when given, are what the source must be. Returns the arrival's id."""
    rows = await FundingSource.select(FundingSource.project, FundingSource.kind, FundingSource.approved_on) \
        .where(FundingSource.id == source_id)
    if not rows or (project_id is not None and rows[0]["project"] != project_id):
        raise NotFound("Funding source {id} does not exist.", field="source_id", id=source_id)
    source = rows[0]
    if kind is not None and source["kind"] != kind.value:
        raise Conflict("The source is not of kind {kind}.", field="source_id", rule="source_kind", kind=kind.value)
    if data.arrived_on < source["approved_on"]:
        raise Invalid("Money cannot arrive before its source was approved ({day}).", field="arrived_on",
                      rule="arrival_before_approval", day=source["approved_on"].isoformat())
    if data.arrived_on > clock.today():
        raise Invalid("An arrival cannot be dated in the future.", field="arrived_on", rule="arrival_in_future")
    moved = await FundingSource.update({FundingSource.arrived_fen: FundingSource.arrived_fen + data.amount_fen}) \
        .where(FundingSource.id == source_id,
               WhereRaw("arrived_fen + {} <= committed_fen", data.amount_fen)).returning(FundingSource.id)
    if not moved:
        if SourceKind(source["kind"]) in LOAN_KINDS:
            raise Conflict("The drawdown exceeds what is left of the loan facility.", field="amount_fen",
                           rule="drawdown_within_facility")
        raise Conflict("The arrival exceeds what is left of the commitment.", field="amount_fen",
                       rule="arrivals_within_commitment")
    return (await Arrival.insert(Arrival(
        project=source["project"], source=source_id, arrived_on=data.arrived_on, amount_fen=data.amount_fen,
        voucher_no=data.voucher_no, note=data.note, recorded_by=actor.id,
    )).returning(Arrival.id))[0]["id"]


async def record_arrival(actor: Actor, source_id: int, data: ArrivalIn) -> ArrivalOut:
    """Record money of a source arriving: never before the source's approval, never in the future,
    never beyond what was committed (for a loan: beyond the facility)."""
    async with transaction():
        arrival_id = await arrive(actor, source_id, data)
        await audit.record(actor, "funding.arrival", "arrival", arrival_id, {
            "source_id": source_id, "amount_fen": data.amount_fen, "arrived_on": data.arrived_on,
            "voucher_no": data.voucher_no,
        })
    return await get_arrival(arrival_id)


async def get_arrival(arrival_id: int) -> ArrivalOut:
    rows = await Arrival.select(*_COLUMNS).where(Arrival.id == arrival_id)
    if not rows:
        raise NotFound("Arrival {id} does not exist.", field="arrival_id", id=arrival_id)
    return to_schemas(rows, ArrivalOut)[0]


async def list_arrivals(project_id: int | None = None, source_id: int | None = None) -> list[ArrivalOut]:
    """Arrivals of a project or of one source, oldest first."""
    query = Arrival.select(*_COLUMNS)
    if source_id is not None:
        await row_of(FundingSource, source_id, "source_id", "Funding source {id} does not exist.")
        query = query.where(Arrival.source == source_id)
    if project_id is not None:
        await require_project(project_id)
        query = query.where(Arrival.project == project_id)
    return to_schemas(await query.order_by(Arrival.arrived_on).order_by(Arrival.id), ArrivalOut)
