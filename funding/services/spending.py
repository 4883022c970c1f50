"""Spending (支出) and transfers (拨付) out of an allocation, with the allocation's totals kept exact.

Each outflow moves a running total on its allocation by one conditional `UPDATE … SET x = x + n
WHERE … <= amount`, which takes the row lock: twenty concurrent spends against one allocation queue
on it and never overspend; the CHECK constraints on `allocation` and `spending` are the backstop.
"""

from __future__ import annotations

import datetime as dt

from piccolo.query import WhereRaw

from funding.kinds import SpendingKind
from funding.tables import Allocation, Spending
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound


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
