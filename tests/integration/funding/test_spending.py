"""Spending out of an allocation: the running totals hold, on both engines and under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from funding import services
from funding.kinds import BudgetCategory, SourceKind, SpendingKind, Use
from funding.tables import Allocation, BudgetLine, FundingSource, Spending
from tracker.accounts.actor import SYSTEM
from tracker.errors import Conflict

DAY = dt.date(2026, 3, 1)


async def _allocation(project: int, amount_fen: int) -> int:
    source = (await FundingSource.insert(FundingSource(
        project=project, kind=SourceKind.local_budget.value, name="市级财政", reference="财建〔2026〕1号",
        committed_fen=amount_fen, arrived_fen=amount_fen, allocated_fen=amount_fen,
        allowed_uses=[Use.construction.value], approved_on=DAY,
    )).returning(FundingSource.id))[0]["id"]
    line = (await BudgetLine.insert(BudgetLine(
        project=project, category=BudgetCategory.construction.value, name="建安工程费", use=Use.construction.value,
        amount_fen=amount_fen,
    )).returning(BudgetLine.id))[0]["id"]
    return (await Allocation.insert(Allocation(
        project=project, source=source, budget_line=line, amount_fen=amount_fen, allocated_on=DAY,
    )).returning(Allocation.id))[0]["id"]


async def _spend(allocation: int, amount: int, voucher: str, **kw) -> int:
    return await services.spend(SYSTEM, allocation_id=allocation, kind=kw.pop("kind", SpendingKind.payment),
                                amount_fen=amount, spent_on=DAY, payee="某建设公司", voucher_no=voucher,
                                purpose="进度款", **kw)


async def test_payments_and_transfers_move_the_allocation_totals(world):
    allocation = await _allocation(world.project, 100_00)
    await _spend(allocation, 30_00, "V1")
    transfer = await _spend(allocation, 50_00, "V2", kind=SpendingKind.transfer)
    await _spend(allocation, 20_00, "V3", from_transfer_id=transfer)
    row = (await Allocation.select().where(Allocation.id == allocation))[0]
    assert (row["spent_fen"], row["transferred_fen"]) == (50_00, 30_00)
    with pytest.raises(Conflict) as refused:
        await _spend(allocation, 20_01, "V4")
    assert refused.value.rule == "spending_within_allocation"
    with pytest.raises(Conflict) as refused:
        await _spend(allocation, 30_01, "V5", from_transfer_id=transfer)
    assert refused.value.rule == "payment_within_transfer"
    assert await Spending.count() == 3


@pytest.mark.engines_only("postgres")
async def test_twenty_concurrent_spends_never_overspend(world):
    allocation = await _allocation(world.project, 10_000_00)
    results = await asyncio.gather(
        *(_spend(allocation, 1_000_00, f"C{i}") for i in range(20)), return_exceptions=True
    )
    assert sum(1 for r in results if isinstance(r, int)) == 10
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int))
    row = (await Allocation.select().where(Allocation.id == allocation))[0]
    assert row["spent_fen"] == 10_000_00
    assert sum(r["amount_fen"] for r in await Spending.select(Spending.amount_fen)) == 10_000_00
