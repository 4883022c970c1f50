"""Tiny funding histories written straight into the tables, for the report and monitor tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from funding.kinds import BudgetCategory, SourceKind, SpendingKind, Use
from funding.tables import Allocation, Arrival, BudgetLine, FundingSource, Spending, WorkProgress

_seq = iter(range(1, 1_000_000))


async def source(project: int, kind: SourceKind, committed: int, arrivals: list[tuple[dt.date, int]],
                 approved_on: dt.date = dt.date(2024, 1, 1)) -> int:
    arrived = sum(a for _, a in arrivals)
    sid = (await FundingSource.insert(FundingSource(
        project=project, kind=kind.value, name=kind.value, reference=f"REF-{next(_seq)}", committed_fen=committed,
        arrived_fen=arrived, allocated_fen=0, allowed_uses=[u.value for u in Use], approved_on=approved_on,
    )).returning(FundingSource.id))[0]["id"]
    for on, amount in arrivals:
        await Arrival.insert(Arrival(project=project, source=sid, arrived_on=on, amount_fen=amount))
    return sid


async def line(project: int, amount: int, category: BudgetCategory = BudgetCategory.construction,
               use: Use = Use.construction) -> int:
    return (await BudgetLine.insert(BudgetLine(
        project=project, category=category.value, name=f"{category.value}-{next(_seq)}", use=use.value,
        amount_fen=amount,
    )).returning(BudgetLine.id))[0]["id"]


async def allocate(project: int, source_id: int, line_id: int, amount: int) -> int:
    await FundingSource.update({FundingSource.allocated_fen: FundingSource.allocated_fen + amount}).where(
        FundingSource.id == source_id)
    return (await Allocation.insert(Allocation(
        project=project, source=source_id, budget_line=line_id, amount_fen=amount, allocated_on=dt.date(2024, 1, 1),
    )).returning(Allocation.id))[0]["id"]


async def pay(project: int, allocation: int, on: dt.date, amount: int, kind: SpendingKind = SpendingKind.payment,
              from_transfer: int | None = None) -> int:
    """A spending row with its allocation's running totals moved as `services.spend` moves them."""
    if from_transfer is not None:
        await Spending.update({Spending.onward_fen: Spending.onward_fen + amount}).where(Spending.id == from_transfer)
        await Allocation.update({Allocation.transferred_fen: Allocation.transferred_fen - amount,
                                 Allocation.spent_fen: Allocation.spent_fen + amount}).where(Allocation.id == allocation)
    else:
        column = Allocation.spent_fen if kind is SpendingKind.payment else Allocation.transferred_fen
        await Allocation.update({column: column + amount}).where(Allocation.id == allocation)
    return (await Spending.insert(Spending(
        project=project, allocation=allocation, kind=kind.value, spent_on=on, amount_fen=amount, payee="某公司",
        voucher_no=f"V{next(_seq)}", purpose="进度款", from_transfer=from_transfer,
    )).returning(Spending.id))[0]["id"]


async def progress(project: int, as_of: dt.date, percent: str | None = None, certified: int | None = None) -> None:
    await WorkProgress.insert(WorkProgress(project=project, as_of=as_of,
                                           percent=None if percent is None else Decimal(percent),
                                           certified_fen=certified))
