"""Building funding records through the JSON API, as finance staff do."""

from __future__ import annotations

import datetime as dt

API = "/api/v1"
APPROVED = "2026-01-10"
TODAY = dt.date.today().isoformat()


def ok(response, status: int = 201) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


def problem(response, status: int, rule: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    if rule is not None:
        assert body["rule"] == rule, body
    if field is not None:
        assert body["field"] == field, body
    return body


def source_body(kind: str = "local_budget", committed_fen: int = 1_000_000_00, reference: str = "财建〔2026〕1号",
                **extra) -> dict:
    body = {"kind": kind, "name": f"{kind} 资金", "reference": reference, "committed_fen": committed_fen,
            "approved_on": APPROVED}
    if kind == "central_budget":
        body["central_mode"] = "investment_subsidy"
    if kind in ("special_bond", "general_bond"):
        body["tranche"] = {"bond_code": "2026-SH-01", "issue_date": "2026-02-15", "coupon_rate": "0.0233",
                           "tenor_years": 20, "frequency": "semi_annual"}
    if kind in ("policy_loan", "policy_instrument"):
        body["loan"] = {"lender": "国家开发银行", "term_months": 180, "grace_months": 36, "method": "equal_principal",
                        "rate_resets": [{"effective_on": APPROVED, "base_rate": "0.0345"}], "spread_bp": -20}
    body.update(extra)
    return body


async def make_source(client, project: int, arrive_fen: int | None = None, **kw) -> dict:
    source = ok(await client.post(f"{API}/projects/{project}/funding/sources", json=source_body(**kw)))
    if arrive_fen:
        ok(await client.post(f"{API}/funding/sources/{source['id']}/arrivals",
                             json={"arrived_on": "2026-02-01", "amount_fen": arrive_fen, "voucher_no": "A-1"}))
    return source


async def make_line(client, project: int, category: str = "construction", amount_fen: int = 5_000_000_00,
                    name: str | None = None, **extra) -> dict:
    return ok(await client.post(f"{API}/projects/{project}/funding/budget-lines",
                                json={"category": category, "name": name or category, "amount_fen": amount_fen,
                                      **extra}))


async def allocate(client, project: int, source: dict, line: dict, amount_fen: int):
    return await client.post(f"{API}/projects/{project}/funding/allocations",
                             json={"source_id": source["id"], "budget_line_id": line["id"], "amount_fen": amount_fen,
                                   "allocated_on": "2026-02-02"})


async def build_funding_world(project: int, household: int, item: int) -> dict[str, int]:
    """One of every funding record of a project, for the role matrix (tests/integration/test_access.py)."""
    from funding import services
    from funding.kinds import BudgetCategory, SourceKind
    from funding.schemas import AllocationIn, ArrivalIn, BudgetLineIn, ForecastIn, SourceIn, SpendingIn
    from funding.tables import Contribution, ItemShare
    from tracker.accounts.actor import SYSTEM

    source = await services.create_source(SYSTEM, project, SourceIn(
        kind=SourceKind.local_budget, name="市级财政", reference="沪财建〔2026〕9号", committed_fen=1_000_00,
        approved_on=dt.date(2026, 1, 10)))
    arrival = await services.record_arrival(SYSTEM, source.id, ArrivalIn(arrived_on=dt.date(2026, 2, 1),
                                                                         amount_fen=800_00))
    line = await services.add_budget_line(SYSTEM, project, BudgetLineIn(category=BudgetCategory.construction, name="建安工程费",
                                                                        amount_fen=1_000_00))
    allocation = await services.allocate(SYSTEM, project, AllocationIn(
        source_id=source.id, budget_line_id=line.id, amount_fen=500_00, allocated_on=dt.date(2026, 2, 2)))
    spending = await services.record_spending(SYSTEM, allocation.id, SpendingIn(
        amount_fen=100_00, spent_on=dt.date(2026, 3, 1), payee="某建设公司", voucher_no="V-1", purpose="进度款"))
    forecast = await services.add_forecast(SYSTEM, project, ForecastIn(year=2027, item="停车位", revenue_fen=10_00))
    await ItemShare.insert(ItemShare(project=project, item=item, basis="flat", rate_fen=300_00))
    contribution = (await Contribution.insert(Contribution(project=project, household=household, item=item,
                                                           due_fen=300_00)).returning(Contribution.id))[0]["id"]
    return {"source_id": source.id, "arrival_id": arrival.id, "budget_line_id": line.id,
            "allocation_id": allocation.id, "spending_id": spending.id, "forecast_id": forecast.id,
            "contribution_id": contribution, "table": "sources"}
