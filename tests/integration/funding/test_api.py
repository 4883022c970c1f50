"""The funding API: sources with their terms, arrivals, budget lines, allocations under the rules of
use, spending, and their refusals (4xx naming the field or rule, nothing half-written)."""

from __future__ import annotations

import pytest

from funding.tables import Allocation, Arrival, BondTranche, FundingSource, Loan, RateReset, Spending
from tests.integration.funding.helpers import API, allocate, make_line, make_source, ok, problem, source_body
from tracker.audit.tables import AuditRecord

pytestmark = pytest.mark.asyncio


async def test_a_bond_source_keeps_its_tranche_and_a_loan_its_terms_and_rates(world, client_for):
    finance = await client_for("finance")
    bond = await make_source(finance, world.project, kind="special_bond", committed_fen=3_000_000_00,
                             reference="2026-SH-01")
    assert bond["tranche"]["amount_fen"] == 3_000_000_00
    assert bond["tranche"]["coupon_rate"] in ("0.0233", "0.023300")
    assert "debt_interest" not in bond["allowed_uses"] and "capital" in bond["allowed_uses"]
    loan = await make_source(finance, world.project, kind="policy_loan", committed_fen=8_000_000_00,
                             reference="国开贷-2026-7")
    assert loan["loan"]["facility_fen"] == 8_000_000_00 and loan["loan"]["grace_months"] == 36
    assert [r["effective_on"] for r in loan["loan"]["rate_resets"]] == ["2026-01-10"]
    # Edit: the new rate reset replaces the list; the kind stays.
    body = source_body(kind="policy_loan", committed_fen=8_000_000_00, reference="国开贷-2026-7")
    body["loan"]["rate_resets"].append({"effective_on": "2027-01-20", "base_rate": "0.0310"})
    edited = ok(await finance.put(f"{API}/funding/sources/{loan['id']}", json=body), 200)
    assert len(edited["loan"]["rate_resets"]) == 2
    problem(await finance.put(f"{API}/funding/sources/{loan['id']}", json={**body, "kind": "local_budget",
                                                                          "loan": None}), 409, "kind_fixed")
    listed = ok(await finance.get(f"{API}/projects/{world.project}/funding/sources"), 200)
    assert [s["id"] for s in listed] == [bond["id"], loan["id"]]
    assert await RateReset.count() == 2 and await BondTranche.count() == 1 and await Loan.count() == 1


async def test_bad_sources_are_refused_naming_the_field_or_rule_and_nothing_is_written(world, client_for):
    finance = await client_for("finance")
    url = f"{API}/projects/{world.project}/funding/sources"
    problem(await finance.post(url, json=source_body(committed_fen=-1)), 400, field="committed_fen")
    problem(await finance.post(url, json=source_body(kind="special_bond", tranche=None)), 422, "tranche_required")
    problem(await finance.post(url, json=source_body(kind="special_bond", allowed_uses=["construction", "wages"])),
            409, "special_bond_negative_list", "allowed_uses")
    capital = source_body(kind="special_bond")
    capital["tranche"]["capital_share"] = "0.3"
    problem(await finance.post(url, json=capital), 409, "special_bond_capital_cap", "capital_share")
    rate = source_body(kind="special_bond")
    rate["tranche"]["coupon_rate"] = "1.5"
    problem(await finance.post(url, json=rate), 422, field="coupon_rate")
    problem(await finance.post(url, json=source_body(kind="central_budget", central_mode=None)), 422,
            "central_mode_required")
    loan = source_body(kind="policy_loan")
    loan["loan"]["grace_months"] = 180
    problem(await finance.post(url, json=loan), 422, "grace_within_term")
    await make_source(finance, world.project)
    problem(await finance.post(url, json=source_body()), 409, "funding_source_reference_unique")
    assert await FundingSource.count() == 1 and await BondTranche.count() == 0 and await Loan.count() == 0


async def test_arrivals_never_before_approval_nor_beyond_the_commitment(world, client_for):
    finance = await client_for("finance")
    source = await make_source(finance, world.project, committed_fen=100_00)
    url = f"{API}/funding/sources/{source['id']}/arrivals"
    problem(await finance.post(url, json={"arrived_on": "2026-01-09", "amount_fen": 10_00}), 422,
            "arrival_before_approval", "arrived_on")
    problem(await finance.post(url, json={"arrived_on": "2026-01-10", "amount_fen": 0}), 400, field="amount_fen")
    ok(await finance.post(url, json={"arrived_on": "2026-01-10", "amount_fen": 60_00}))
    problem(await finance.post(url, json={"arrived_on": "2026-01-11", "amount_fen": 40_01}), 409,
            "arrivals_within_commitment", "amount_fen")
    ok(await finance.post(url, json={"arrived_on": "2026-01-11", "amount_fen": 40_00}))
    loan = await make_source(finance, world.project, kind="policy_loan", committed_fen=50_00, reference="L-1")
    problem(await finance.post(f"{API}/funding/sources/{loan['id']}/arrivals",
                               json={"arrived_on": "2026-02-01", "amount_fen": 50_01}), 409, "drawdown_within_facility")
    assert ok(await finance.get(url), 200)[-1]["amount_fen"] == 40_00
    assert (await FundingSource.select(FundingSource.arrived_fen).where(FundingSource.id == source["id"]))[0][
        "arrived_fen"] == 100_00
    assert await Arrival.count() == 2
    # The commitment cannot drop below what arrived, nor the approval move after an arrival.
    body = source_body(committed_fen=99_99)
    problem(await finance.put(f"{API}/funding/sources/{source['id']}", json=body), 409, "arrivals_within_commitment")
    body = source_body(committed_fen=100_00, approved_on="2026-01-11")
    problem(await finance.put(f"{API}/funding/sources/{source['id']}", json=body), 409, "arrival_before_approval")


async def test_allocations_follow_the_rules_of_use_and_never_exceed_arrivals(world, client_for):
    finance = await client_for("finance")
    p = world.project
    bond = await make_source(finance, p, kind="special_bond", committed_fen=1_000_000_00, arrive_fen=1_000_000_00,
                             reference="B-1")
    interest = await make_line(finance, p, "construction_interest", 100_000_00)
    capital = await make_line(finance, p, "other_costs", 900_000_00, name="项目资本金", use="capital")
    works = await make_line(finance, p, "construction", 5_000_000_00)
    body = problem(await allocate(finance, p, bond, interest, 10_00), 409, "special_bond_negative_list",
                   "budget_line_id")
    assert "debt_interest" in body["detail"]
    # 25 % of the tranche may be capital: 250,000.00 yuan.
    problem(await allocate(finance, p, bond, capital, 250_000_01), 409, "special_bond_capital_cap", "amount_fen")
    ok(await allocate(finance, p, bond, capital, 250_000_00))
    problem(await allocate(finance, p, bond, works, 750_000_01), 409, "allocations_within_arrivals")
    allocation = ok(await allocate(finance, p, bond, works, 700_000_00))
    problem(await allocate(finance, p, bond, works, 1_00), 409, "allocation_one_per_line")
    # A local budget source allowing only construction may not pay compensation.
    local = await make_source(finance, p, arrive_fen=100_00, allowed_uses=["construction"])
    compensation = await make_line(finance, p, "compensation", 100_00)
    problem(await allocate(finance, p, local, compensation, 10_00), 409, "use_not_allowed")
    # Central subsidies stay within the 建安 budget (5,000,000.00 yuan here).
    central = await make_source(finance, p, kind="central_subsidy", committed_fen=6_000_000_00,
                                arrive_fen=6_000_000_00, reference="中央补助")
    problem(await allocate(finance, p, central, works, 5_000_000_01), 409, "central_within_construction")
    problem(await allocate(finance, p, central, works, 4_300_000_01), 409, "allocations_within_budget_line")
    # Changing an allocation: up within arrivals and the rules, down not below what left it.
    url = f"{API}/funding/allocations/{allocation['id']}"
    problem(await finance.patch(url, json={"amount_fen": 750_000_01}), 409, "allocations_within_arrivals")
    ok(await finance.post(f"{url}/spending", json={"amount_fen": 100_000_00, "spent_on": "2026-03-01",
                                                  "payee": "某建设公司", "voucher_no": "V-1", "purpose": "进度款"}))
    problem(await finance.patch(url, json={"amount_fen": 99_999_99}), 409, "outflow_within_allocation")
    assert ok(await finance.patch(url, json={"amount_fen": 750_000_00}), 200)["amount_fen"] == 750_000_00
    row = (await FundingSource.select().where(FundingSource.id == bond["id"]))[0]
    assert row["allocated_fen"] == 1_000_000_00
    problem(await finance.post(f"{url}/spending", json={"amount_fen": 650_000_01, "spent_on": "2026-03-02",
                                                       "payee": "某建设公司", "voucher_no": "V-2", "purpose": "进度款"}),
            409, "spending_within_allocation", "amount_fen")
    problem(await finance.post(f"{url}/spending", json={"amount_fen": 1_00, "spent_on": "2026-03-02",
                                                       "payee": "某建设公司", "voucher_no": "V-1", "purpose": "进度款"}),
            409, "spending_voucher_unique", "voucher_no")
    assert await Spending.count() == 1


async def test_policy_instruments_fund_at_most_half_the_project_capital(world, client_for):
    finance = await client_for("finance")
    p = world.project
    capital = await make_line(finance, p, "other_costs", 1_000_00, name="资本金", use="capital")
    instrument = await make_source(finance, p, kind="policy_instrument", committed_fen=1_000_00, arrive_fen=1_000_00,
                                   reference="基金-1")
    problem(await allocate(finance, p, instrument, capital, 500_01), 409, "policy_instrument_capital_share")
    ok(await allocate(finance, p, instrument, capital, 500_00))
    works = await make_line(finance, p, "construction", 1_000_00)
    problem(await allocate(finance, p, instrument, works, 1_00), 409, "use_not_allowed")


async def test_spending_and_transfers_show_in_lists_and_the_overview(world, client_for):
    finance = await client_for("finance")
    p = world.project
    source = await make_source(finance, p, committed_fen=1_000_00, arrive_fen=800_00)
    line = await make_line(finance, p, "construction", 1_000_00)
    allocation = ok(await allocate(finance, p, source, line, 600_00))
    url = f"{API}/funding/allocations/{allocation['id']}/spending"
    ok(await finance.post(url, json={"amount_fen": 100_00, "spent_on": "2026-03-01", "payee": "甲公司",
                                     "voucher_no": "V-1", "purpose": "进度款"}))
    transfer = ok(await finance.post(url, json={"amount_fen": 200_00, "spent_on": "2026-03-05", "payee": "区建管中心",
                                                "voucher_no": "V-2", "purpose": "拨付", "kind": "transfer"}))
    onward = ok(await finance.post(url, json={"amount_fen": 50_00, "spent_on": "2026-04-02", "payee": "乙公司",
                                              "voucher_no": "V-3", "purpose": "材料款",
                                              "from_transfer_id": transfer["id"]}))
    assert onward["source_id"] == source["id"] and onward["budget_line_id"] == line["id"]
    page = ok(await finance.get(f"{API}/projects/{p}/funding/spending", params={"kind": "payment"}), 200)
    assert page["total"] == 2 and [s["voucher_no"] for s in page["items"]] == ["V-3", "V-1"]
    overview = ok(await finance.get(f"{API}/projects/{p}/funding/overview"), 200)
    assert overview["totals"] == {"committed_fen": 1_000_00, "arrived_fen": 800_00, "allocated_fen": 600_00,
                                  "spent_fen": 150_00, "transferred_fen": 150_00}
    assert overview["by_line"][0]["spent_fen"] == 150_00
    assert [(m["month"], m["arrived_fen"], m["spent_fen"], m["transferred_fen"]) for m in overview["by_month"]] == [
        ("2026-02", 800_00, 0, 0), ("2026-03", 0, 100_00, 200_00), ("2026-04", 0, 50_00, 0)]
    assert overview["by_month"][-1]["spent_to_date_fen"] == 150_00
    manager = await client_for("manager")
    portfolio = ok(await manager.get(f"{API}/funding/portfolio"), 200)
    assert [p_["spent_fen"] for p_ in portfolio["projects"]] == [150_00]
    assert portfolio["totals"]["arrived_fen"] == 800_00
    # Each state change is one audit record.
    actions = [r["action"] for r in await AuditRecord.select(AuditRecord.action).order_by(AuditRecord.seq)
               if r["action"].startswith("funding.")]
    assert actions == ["funding.source.create", "funding.arrival", "funding.budget_line.create", "funding.allocate",
                       "funding.payment", "funding.transfer", "funding.payment"]


async def test_readers_read_and_only_finance_writes(world, client_for):
    finance = await client_for("finance")
    source = await make_source(finance, world.project)
    manager = await client_for("manager")
    ok(await manager.get(f"{API}/funding/sources/{source['id']}"), 200)
    problem(await manager.post(f"{API}/projects/{world.project}/funding/sources", json=source_body(reference="x")), 403)
    for role in ("contractor", "resident", "inspector"):
        client = await client_for(role)
        assert (await client.get(f"{API}/funding/sources/{source['id']}")).status_code == 403
    outsider = await client_for("outsider")
    assert (await outsider.get(f"{API}/projects/{world.project}/funding/overview")).status_code == 403
    assert (await finance.get(f"{API}/funding/sources/999999")).status_code == 404
    assert await Allocation.count() == 0
