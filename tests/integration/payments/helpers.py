"""Shared steps of the contract-payment tests: money to pay from, a contract, the chain through the JSON API."""

from __future__ import annotations

import datetime as dt
import itertools

from funding.kinds import BudgetCategory, SourceKind, Use
from funding.tables import Allocation, BudgetLine, FundingSource

DAY = dt.date(2026, 1, 5)
_REFERENCE = itertools.count(1)


async def budget(project: int, amount_fen: int = 500_000_000, uses=(Use.construction,)) -> tuple[int, int]:
    """A construction budget line with an allocation of a source allowing `uses`: (line, allocation)."""
    source = (await FundingSource.insert(FundingSource(
        project=project, kind=SourceKind.local_budget.value, name="市级财政", reference=f"财建〔2026〕付{next(_REFERENCE)}号",
        committed_fen=amount_fen, arrived_fen=amount_fen, allocated_fen=amount_fen,
        allowed_uses=[u.value for u in uses], approved_on=DAY,
    )).returning(FundingSource.id))[0]["id"]
    line = (await BudgetLine.insert(BudgetLine(
        project=project, category=BudgetCategory.construction.value, name=f"建安工程费{source}",
        use=Use.construction.value, amount_fen=amount_fen,
    )).returning(BudgetLine.id))[0]["id"]
    allocation = (await Allocation.insert(Allocation(
        project=project, source=source, budget_line=line, amount_fen=amount_fen, allocated_on=DAY,
    )).returning(Allocation.id))[0]["id"]
    return line, allocation


def contract_body(world, line: int, **overrides) -> dict:
    body = {
        "contractor_org_id": world.orgs["Builder Co"], "code": "SG-2026-01", "name": "1号楼综合改造施工",
        "value_fen": 100_000_000, "budget_line_id": line, "building_ids": [world.building],
        "payment_ratio": "0.8", "retention_ratio": "0.03", "retention_mode": "per_certificate", "payment_days": 30,
        "items": [
            {"code": "010501", "name": "C30混凝土", "unit": "m³", "quantity": "1000", "unit_price_fen": 50_000},
            {"code": "011201", "name": "外墙涂料", "unit": "m²", "quantity": "2000", "unit_price_fen": 10_000},
        ],
    }
    body.update(overrides)
    return body


def ok(response, status: int = 201) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


async def create_contract(manager, world, line: int, **overrides) -> dict:
    return ok(await manager.post(f"/api/v1/projects/{world.project}/contracts", json=contract_body(world, line, **overrides)))


async def apply(contractor, contract: dict, start: str, end: str, quantities: list[str] | None = None, **extra) -> dict:
    body = {"period_start": start, "period_end": end, **extra}
    if quantities is not None:
        body["items"] = [{"item_id": i["id"], "quantity": q} for i, q in zip(contract["items"], quantities)]
    return ok(await contractor.post(f"/api/v1/contracts/{contract['id']}/applications", json=body))
