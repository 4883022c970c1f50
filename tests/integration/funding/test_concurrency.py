"""Arrivals and allocations under concurrency: the running totals never pass their limits."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from funding import services
from funding.kinds import BudgetCategory, SourceKind
from funding.schemas import AllocationIn, ArrivalIn, BudgetLineIn, SourceIn
from funding.tables import Allocation, Arrival, FundingSource
from tracker.accounts.actor import SYSTEM
from tracker.errors import Conflict

pytestmark = [pytest.mark.asyncio, pytest.mark.engines_only("postgres")]

DAY = dt.date(2026, 3, 1)


async def _source(project: int, committed: int) -> int:
    return (await services.create_source(SYSTEM, project, SourceIn(
        kind=SourceKind.local_budget, name="市级财政", reference="沪财〔2026〕3号", committed_fen=committed,
        approved_on=DAY))).id


def _settled(results: list) -> tuple[int, list]:
    done = [r for r in results if not isinstance(r, BaseException)]
    return len(done), [r for r in results if isinstance(r, BaseException)]


async def test_twenty_concurrent_arrivals_never_pass_the_commitment(world):
    source = await _source(world.project, 10_000_00)
    results = await asyncio.gather(*(services.record_arrival(
        SYSTEM, source, ArrivalIn(arrived_on=DAY, amount_fen=1_000_00, voucher_no=f"A{i}")) for i in range(20)),
        return_exceptions=True)
    done, refused = _settled(results)
    assert done == 10 and all(isinstance(e, Conflict) and e.rule == "arrivals_within_commitment" for e in refused)
    row = (await FundingSource.select(FundingSource.arrived_fen).where(FundingSource.id == source))[0]
    assert row["arrived_fen"] == 10_000_00
    assert sum(r["amount_fen"] for r in await Arrival.select(Arrival.amount_fen)) == 10_000_00


async def test_twenty_concurrent_allocations_never_pass_the_arrivals(world):
    source = await _source(world.project, 10_000_00)
    await services.record_arrival(SYSTEM, source, ArrivalIn(arrived_on=DAY, amount_fen=10_000_00))
    lines = [(await services.add_budget_line(SYSTEM, world.project, BudgetLineIn(
        category=BudgetCategory.construction, name=f"标段{i}", amount_fen=5_000_00))).id for i in range(20)]
    results = await asyncio.gather(*(services.allocate(SYSTEM, world.project, AllocationIn(
        source_id=source, budget_line_id=line, amount_fen=1_000_00, allocated_on=DAY)) for line in lines),
        return_exceptions=True)
    done, refused = _settled(results)
    assert done == 10 and all(isinstance(e, Conflict) and e.rule == "allocations_within_arrivals" for e in refused)
    row = (await FundingSource.select(FundingSource.allocated_fen).where(FundingSource.id == source))[0]
    assert row["allocated_fen"] == 10_000_00
    assert sum(r["amount_fen"] for r in await Allocation.select(Allocation.amount_fen)) == 10_000_00
