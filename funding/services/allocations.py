"""Allocations of a source's money to budget lines, refused when the rules of use say no.

The rules (funding/rules.py) sum over the project's sources and lines, so allocations of one project
are serialised by its row lock; the source's running total then moves by one conditional `UPDATE …
SET allocated_fen = allocated_fen + n WHERE allocated_fen + n <= arrived_fen`: money is never
allocated before it arrives, whatever runs at the same time (the CHECK is the backstop).
"""

from __future__ import annotations

from fractions import Fraction

from piccolo.query import WhereRaw

from funding.kinds import BudgetCategory, SourceKind, Use
from funding.rules import CENTRAL_KINDS, Proposal, allocation_breach
from funding.schemas import AllocationIn, AllocationOut, AllocationPatch
from funding.services.common import lock_project, refuse, require_project, row_of
from funding.services.sources import capital_cap
from funding.tables import Allocation, BondTranche, BudgetLine, FundingSource
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, NotFound
from tracker.rows import to_schemas

_NO_ALLOCATION = "Allocation {id} does not exist."


async def _proposal(source: dict, line: dict, amount_fen: int) -> Proposal:
    """The allocation as the rules see it, with the project's totals as they stand."""
    project_id = source["project"]
    allocations = await Allocation.select(
        Allocation.source, Allocation.budget_line, Allocation.amount_fen,
        Allocation.source.kind.as_alias("kind"), Allocation.budget_line.use.as_alias("use"),
    ).where(Allocation.project == project_id)
    lines = await BudgetLine.select(BudgetLine.category, BudgetLine.use, BudgetLine.amount_fen) \
        .where(BudgetLine.project == project_id)
    tranche = await BondTranche.select(BondTranche.amount_fen).where(BondTranche.source == source["id"])
    capital = Use.capital.value
    return Proposal(
        kind=SourceKind(source["kind"]),
        allowed=frozenset(Use(u) for u in source["allowed_uses"]),
        use=Use(line["use"]),
        amount_fen=amount_fen,
        source_capital_fen=sum(a["amount_fen"] for a in allocations
                               if a["source"] == source["id"] and a["use"] == capital),
        tranche_fen=tranche[0]["amount_fen"] if tranche else 0,
        central_fen=sum(a["amount_fen"] for a in allocations if a["kind"] in {k.value for k in CENTRAL_KINDS}),
        construction_budget_fen=sum(r["amount_fen"] for r in lines
                                    if r["category"] == BudgetCategory.construction.value),
        instrument_capital_fen=sum(a["amount_fen"] for a in allocations
                                   if a["kind"] == SourceKind.policy_instrument.value and a["use"] == capital),
        capital_budget_fen=sum(r["amount_fen"] for r in lines if r["use"] == capital),
        line_fen=line["amount_fen"],
        line_allocated_fen=sum(a["amount_fen"] for a in allocations if a["budget_line"] == line["id"]),
    )


def _cap() -> Fraction:
    return capital_cap()


async def _take_from_source(source_id: int, amount_fen: int) -> None:
    moved = await FundingSource.update({FundingSource.allocated_fen: FundingSource.allocated_fen + amount_fen}) \
        .where(FundingSource.id == source_id, WhereRaw("allocated_fen + {} <= arrived_fen", amount_fen)) \
        .returning(FundingSource.id)
    if not moved:
        raise Conflict("The allocation exceeds what has arrived of the source and is not yet allocated.",
                       field="amount_fen", rule="allocations_within_arrivals")


async def allocate(actor: Actor, project_id: int, data: AllocationIn) -> AllocationOut:
    """Set money of a source against a budget line: the use must be the source's to pay for (409 naming
    the rule otherwise) and the money must have arrived."""
    async with transaction():
        await lock_project(project_id)
        source = await row_of(FundingSource, data.source_id, "source_id", "Funding source {id} does not exist.",
                              project_id=project_id)
        line = await row_of(BudgetLine, data.budget_line_id, "budget_line_id", "Budget line {id} does not exist.",
                            project_id=project_id)
        if await Allocation.exists().where(Allocation.source == source["id"], Allocation.budget_line == line["id"]):
            raise Conflict("This source is already allocated to this line; change that allocation's amount.",
                           field="budget_line_id", rule="allocation_one_per_line")
        breach = allocation_breach(await _proposal(source, line, data.amount_fen), _cap())
        if breach:
            raise refuse(breach, "budget_line_id" if breach.rule in {"use_not_allowed", "special_bond_negative_list"}
                         else "amount_fen")
        await _take_from_source(source["id"], data.amount_fen)
        allocation_id = (await Allocation.insert(Allocation(
            project=project_id, source=source["id"], budget_line=line["id"], amount_fen=data.amount_fen,
            allocated_on=data.allocated_on, note=data.note,
        )).returning(Allocation.id))[0]["id"]
        await audit.record(actor, "funding.allocate", "allocation", allocation_id, {
            "source_id": source["id"], "budget_line_id": line["id"], "amount_fen": data.amount_fen,
            "allocated_on": data.allocated_on, "use": line["use"],
        })
    return await get_allocation(allocation_id)


async def change_allocation(actor: Actor, allocation_id: int, data: AllocationPatch) -> AllocationOut:
    """A new amount: more is checked as a new allocation of the difference; less never goes below what
    has been spent or transferred out of it."""
    async with transaction():
        found = await Allocation.select(Allocation.project).where(Allocation.id == allocation_id)
        if not found:
            raise NotFound(_NO_ALLOCATION, field="allocation_id", id=allocation_id)
        await lock_project(found[0]["project"])
        row = await row_of(Allocation, allocation_id, "allocation_id", _NO_ALLOCATION, lock=True)
        delta = data.amount_fen - row["amount_fen"]
        if delta > 0:
            source = await row_of(FundingSource, row["source"], "source_id", "Funding source {id} does not exist.")
            line = await row_of(BudgetLine, row["budget_line"], "budget_line_id", "Budget line {id} does not exist.")
            breach = allocation_breach(await _proposal(source, line, delta), _cap())
            if breach:
                raise refuse(breach, "amount_fen")
            await _take_from_source(row["source"], delta)
        elif delta < 0:
            if row["spent_fen"] + row["transferred_fen"] > data.amount_fen:
                raise Conflict("The allocation cannot be less than what was spent or transferred out of it "
                               "({outflow_fen} fen).", field="amount_fen", rule="outflow_within_allocation",
                               outflow_fen=row["spent_fen"] + row["transferred_fen"])
            await FundingSource.update({FundingSource.allocated_fen: FundingSource.allocated_fen + delta}) \
                .where(FundingSource.id == row["source"])
        values = {Allocation.amount_fen: data.amount_fen}
        if data.note is not None:
            values[Allocation.note] = data.note
        await Allocation.update(values).where(Allocation.id == allocation_id)
        await audit.record(actor, "funding.allocation.change", "allocation", allocation_id, {
            "amount_fen": data.amount_fen, "was_fen": row["amount_fen"], "note": data.note,
        })
    return await get_allocation(allocation_id)


_COLUMNS = (
    Allocation.id, Allocation.project.as_alias("project_id"), Allocation.source.as_alias("source_id"),
    Allocation.budget_line.as_alias("budget_line_id"), Allocation.amount_fen, Allocation.spent_fen,
    Allocation.transferred_fen, Allocation.allocated_on, Allocation.note,
    Allocation.source.kind.as_alias("source_kind"), Allocation.budget_line.use.as_alias("use"),
)


async def get_allocation(allocation_id: int) -> AllocationOut:
    rows = await Allocation.select(*_COLUMNS).where(Allocation.id == allocation_id)
    if not rows:
        raise NotFound(_NO_ALLOCATION, field="allocation_id", id=allocation_id)
    return to_schemas(rows, AllocationOut)[0]


async def list_allocations(project_id: int, source_id: int | None = None,
                           budget_line_id: int | None = None) -> list[AllocationOut]:
    await require_project(project_id)
    query = Allocation.select(*_COLUMNS).where(Allocation.project == project_id)
    if source_id is not None:
        query = query.where(Allocation.source == source_id)
    if budget_line_id is not None:
        query = query.where(Allocation.budget_line == budget_line_id)
    return to_schemas(await query.order_by(Allocation.id), AllocationOut)
