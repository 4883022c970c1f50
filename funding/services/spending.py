"""Spending (支出) and transfers (拨付) out of an allocation, with the allocation's totals kept exact.

Each outflow moves a running total on its allocation by one conditional `UPDATE … SET x = x + n
WHERE … <= amount`, which takes the row lock: twenty concurrent spends against one allocation queue
on it and never overspend; the CHECK constraints on `allocation` and `spending` are the backstop.
"""

from __future__ import annotations

import datetime as dt

from piccolo.query import WhereRaw

from funding.kinds import SpendingKind
from funding.schemas import SpendingIn, SpendingOut, SpendingPage
from funding.services.common import require_project
from funding.tables import Allocation, Spending
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.rows import to_schemas


async def spend(
    actor: Actor,
    *,
    allocation_id: int,
    kind: SpendingKind,
    amount_fen: int,
    spent_on: dt.date,
    payee: str,
    voucher_no: str,
    purpose: str,
    from_transfer_id: int | None = None,
) -> int:
    """Record a payment to a final payee, or a transfer to another account, out of an allocation;
    a payment `from_transfer_id` pays on money transferred earlier. Returns the spending's id.

    Joins the caller's transaction when there is one (a contract payment writes its spending this way).
    """
    if amount_fen <= 0:
        raise Invalid("The amount must be more than zero.", field="amount_fen", rule="amount_positive")
    if from_transfer_id is not None and kind is not SpendingKind.payment:
        raise Invalid("Only a payment can pay on a transfer.", field="from_transfer_id", rule="onward_is_payment")
    async with transaction():
        rows = await Allocation.select(Allocation.project, Allocation.amount_fen).where(Allocation.id == allocation_id)
        if not rows:
            raise NotFound("Allocation {id} does not exist.", field="allocation_id", id=allocation_id)
        project_id = rows[0]["project"]
        if from_transfer_id is None:
            column = Allocation.spent_fen if kind is SpendingKind.payment else Allocation.transferred_fen
            moved = await Allocation.update({column: column + amount_fen}).where(
                Allocation.id == allocation_id,
                WhereRaw("spent_fen + transferred_fen + {} <= amount_fen", amount_fen),
            ).returning(Allocation.id)
            if not moved:
                raise Conflict("The spending exceeds what is left of the allocation.", field="amount_fen",
                               rule="spending_within_allocation")
        else:
            onward = await Spending.update({Spending.onward_fen: Spending.onward_fen + amount_fen}).where(
                Spending.id == from_transfer_id, Spending.allocation == allocation_id,
                Spending.kind == SpendingKind.transfer.value, WhereRaw("onward_fen + {} <= amount_fen", amount_fen),
            ).returning(Spending.id)
            if not onward:
                raise Conflict("The payment exceeds what is left of the transfer.", field="amount_fen",
                               rule="payment_within_transfer")
            await Allocation.update({
                Allocation.transferred_fen: Allocation.transferred_fen - amount_fen,
                Allocation.spent_fen: Allocation.spent_fen + amount_fen,
            }).where(Allocation.id == allocation_id)
        row = (await Spending.insert(Spending(
            project=project_id, allocation=allocation_id, kind=kind.value, spent_on=spent_on,
            amount_fen=amount_fen, payee=payee, voucher_no=voucher_no, purpose=purpose,
            from_transfer=from_transfer_id, recorded_by=actor.id,
        )).returning(Spending.id))[0]
        await audit.record(actor, f"funding.{kind.value}", "spending", row["id"], {
            "allocation_id": allocation_id, "amount_fen": amount_fen, "spent_on": spent_on.isoformat(),
            "payee": payee, "voucher_no": voucher_no, "from_transfer_id": from_transfer_id,
        })
    return row["id"]


async def record_spending(actor: Actor, allocation_id: int, data: SpendingIn) -> SpendingOut:
    """The API's and the pages' way to `spend`: a voucher number is used once per project."""
    async with transaction():
        found = await Allocation.select(Allocation.project).where(Allocation.id == allocation_id)
        if found and await Spending.exists().where(Spending.project == found[0]["project"],
                                                   Spending.voucher_no == data.voucher_no):
            raise Conflict("Voucher {voucher_no} is already recorded in this project.", field="voucher_no",
                           rule="spending_voucher_unique", voucher_no=data.voucher_no)
        spending_id = await spend(
            actor, allocation_id=allocation_id, kind=data.kind, amount_fen=data.amount_fen, spent_on=data.spent_on,
            payee=data.payee, voucher_no=data.voucher_no, purpose=data.purpose,
            from_transfer_id=data.from_transfer_id,
        )
    return await get_spending(spending_id)


_COLUMNS = (
    Spending.id, Spending.project.as_alias("project_id"), Spending.allocation.as_alias("allocation_id"),
    Spending.allocation.source.as_alias("source_id"), Spending.allocation.budget_line.as_alias("budget_line_id"),
    Spending.kind, Spending.spent_on, Spending.amount_fen, Spending.payee, Spending.voucher_no, Spending.purpose,
    Spending.from_transfer.as_alias("from_transfer_id"), Spending.onward_fen,
)


async def get_spending(spending_id: int) -> SpendingOut:
    rows = await Spending.select(*_COLUMNS).where(Spending.id == spending_id)
    if not rows:
        raise NotFound("Spending {id} does not exist.", field="spending_id", id=spending_id)
    return to_schemas(rows, SpendingOut)[0]


async def list_spending(project_id: int, *, allocation_id: int | None = None, source_id: int | None = None,
                        kind: SpendingKind | None = None, offset: int = 0, limit: int = 100) -> SpendingPage:
    """A project's spending and transfers, newest first, optionally of one allocation, source or kind."""
    await require_project(project_id)
    conditions = [Spending.project == project_id]
    if allocation_id is not None:
        conditions.append(Spending.allocation == allocation_id)
    if source_id is not None:
        conditions.append(Spending.allocation.source == source_id)
    if kind is not None:
        conditions.append(Spending.kind == kind.value)
    rows = await Spending.select(*_COLUMNS).where(*conditions) \
        .order_by(Spending.spent_on, ascending=False).order_by(Spending.id, ascending=False).offset(offset).limit(limit)
    total = await Spending.count().where(*conditions)
    return SpendingPage(items=to_schemas(rows, SpendingOut), total=total, offset=offset, limit=limit)
