"""The project budget (概算 lines); a line's use decides which sources may pay it."""

from __future__ import annotations

from funding.kinds import CATEGORY_USE, BudgetCategory
from funding.rules import CENTRAL_KINDS, central_breach
from funding.schemas import BudgetLineIn, BudgetLineOut
from funding.services.common import lock_project, refuse, require_project, row_of
from funding.tables import Allocation, BudgetLine
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, NotFound
from tracker.rows import to_schemas

_NO_LINE = "Budget line {id} does not exist."


async def _refuse_duplicate(project_id: int, name: str, line_id: int | None = None) -> None:
    query = BudgetLine.exists().where(BudgetLine.project == project_id, BudgetLine.name == name)
    if line_id is not None:
        query = query.where(BudgetLine.id != line_id)
    if await query:
        raise Conflict("A budget line named {name} already exists in this project.", field="name",
                       rule="budget_line_name_unique", name=name)


def _values(data: BudgetLineIn) -> dict:
    return {"category": data.category.value, "name": data.name, "amount_fen": data.amount_fen,
            "use": (data.use or CATEGORY_USE[data.category]).value}


async def add_budget_line(actor: Actor, project_id: int, data: BudgetLineIn) -> BudgetLineOut:
    async with transaction():
        await require_project(project_id)
        await _refuse_duplicate(project_id, data.name)
        values = _values(data)
        line_id = (await BudgetLine.insert(BudgetLine(project=project_id, **values))
                   .returning(BudgetLine.id))[0]["id"]
        await audit.record(actor, "funding.budget_line.create", "budget_line", line_id,
                           {"project_id": project_id, **values})
    return await get_budget_line(line_id)


async def _allocated_to(line_id: int) -> int:
    rows = await Allocation.select(Allocation.amount_fen.as_alias("n")).where(Allocation.budget_line == line_id)
    return sum(r["n"] for r in rows)


async def update_budget_line(actor: Actor, line_id: int, data: BudgetLineIn) -> BudgetLineOut:
    """Change a line: never below what is allocated to it, its use fixed once allocated, and the
    construction lines never below the central money allocated against them."""
    async with transaction():
        row = await row_of(BudgetLine, line_id, "budget_line_id", _NO_LINE)
        await lock_project(row["project"])
        values = _values(data)
        allocated = await _allocated_to(line_id)
        if data.amount_fen < allocated:
            raise Conflict("The line cannot be less than what is allocated to it ({allocated_fen} fen).",
                           field="amount_fen", rule="allocations_within_budget_line", allocated_fen=allocated)
        if allocated and values["use"] != row["use"]:
            raise Conflict("The line's use cannot change while money is allocated to it.", field="use",
                           rule="line_use_in_allocation")
        if row["category"] == BudgetCategory.construction.value or data.category is BudgetCategory.construction:
            others = await BudgetLine.select(BudgetLine.amount_fen).where(
                BudgetLine.project == row["project"], BudgetLine.category == BudgetCategory.construction.value,
                BudgetLine.id != line_id)
            construction = sum(r["amount_fen"] for r in others) + (
                data.amount_fen if data.category is BudgetCategory.construction else 0)
            central = sum(r["amount_fen"] for r in await Allocation.select(Allocation.amount_fen).where(
                Allocation.project == row["project"], Allocation.source.kind.is_in([k.value for k in CENTRAL_KINDS])))
            if breach := central_breach(central, construction):
                raise refuse(breach, "amount_fen")
        await _refuse_duplicate(row["project"], data.name, line_id)
        await BudgetLine.update(values).where(BudgetLine.id == line_id)
        await audit.record(actor, "funding.budget_line.update", "budget_line", line_id, values)
    return await get_budget_line(line_id)


_COLUMNS = (BudgetLine.id, BudgetLine.project.as_alias("project_id"), BudgetLine.category, BudgetLine.name,
            BudgetLine.use, BudgetLine.amount_fen)


async def _with_allocated(rows: list[dict]) -> list[BudgetLineOut]:
    ids = [r["id"] for r in rows]
    allocated: dict[int, int] = {}
    if ids:
        for a in await Allocation.select(Allocation.budget_line, Allocation.amount_fen) \
                .where(Allocation.budget_line.is_in(ids)):
            allocated[a["budget_line"]] = allocated.get(a["budget_line"], 0) + a["amount_fen"]
    return to_schemas([{**r, "allocated_fen": allocated.get(r["id"], 0)} for r in rows], BudgetLineOut)


async def get_budget_line(line_id: int) -> BudgetLineOut:
    rows = await BudgetLine.select(*_COLUMNS).where(BudgetLine.id == line_id)
    if not rows:
        raise NotFound(_NO_LINE, field="budget_line_id", id=line_id)
    return (await _with_allocated(rows))[0]


async def list_budget_lines(project_id: int) -> list[BudgetLineOut]:
    await require_project(project_id)
    return await _with_allocated(await BudgetLine.select(*_COLUMNS).where(BudgetLine.project == project_id)
                                 .order_by(BudgetLine.id))
