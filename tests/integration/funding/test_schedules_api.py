"""Repayment schedules through the API: drawn from the recorded terms (a loan's arrivals are its
drawdowns), totalled per year and per project, exported; the coverage of special bonds."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.integration.funding.helpers import API, make_source, ok, problem, source_body

pytestmark = pytest.mark.asyncio

FACE = 100_000_000_00  # 100,000,000.00 yuan


async def test_a_twenty_year_semi_annual_bullet_bond(world, client_for):
    finance = await client_for("finance")
    bond = await make_source(finance, world.project, kind="special_bond", committed_fen=FACE, reference="2026-SH-01")
    schedule = ok(await finance.get(f"{API}/funding/sources/{bond['id']}/schedule"), 200)
    rows = schedule["rows"]
    # 2.33 % on the face, half a year at a time: 1,165,000.00 yuan each coupon, the face at maturity.
    assert len(rows) == 40 and {r["interest_fen"] for r in rows} == {1_165_000_00}
    assert (rows[0]["date"], rows[-1]["date"]) == ("2026-08-15", "2046-02-15")
    assert [r["principal_fen"] for r in rows[:-1]] == [0] * 39 and rows[-1]["principal_fen"] == FACE
    assert rows[-1]["balance_fen"] == 0 and schedule["interest_fen"] == 40 * 1_165_000_00
    assert schedule["years"][0] == {"year": 2026, "interest_fen": 1_165_000_00, "principal_fen": 0,
                                    "debt_service_fen": 1_165_000_00}
    text = await finance.get(f"{API}/funding/sources/{bond['id']}/schedule.csv")
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["date", "note"] and len(lines) == 41 and lines[-1][5] == str(FACE)
    book = load_workbook(io.BytesIO((await finance.get(f"{API}/funding/sources/{bond['id']}/schedule.xlsx")).content))
    assert book.sheetnames == ["schedule", "years"] and book["years"].max_row == 1 + 21


async def test_a_loan_follows_its_drawdowns_and_a_source_without_terms_has_no_schedule(world, client_for):
    finance = await client_for("finance")
    loan = await make_source(finance, world.project, kind="policy_loan", committed_fen=12_000_000_00,
                             reference="国开-1")
    planned = ok(await finance.get(f"{API}/funding/sources/{loan['id']}/schedule"), 200)
    assert planned["assumed_drawdown"] and planned["principal_fen"] == 12_000_000_00
    for day, amount in (("2026-02-01", 8_000_000_00), ("2026-06-01", 4_000_000_00)):
        ok(await finance.post(f"{API}/funding/sources/{loan['id']}/arrivals",
                              json={"arrived_on": day, "amount_fen": amount}))
    drawn = ok(await finance.get(f"{API}/funding/sources/{loan['id']}/schedule"), 200)
    assert not drawn["assumed_drawdown"]
    assert [r["drawn_fen"] for r in drawn["rows"] if r["note"] == "drawdown"] == [8_000_000_00, 4_000_000_00]
    payments = [r for r in drawn["rows"] if r["note"] != "drawdown"]
    # 3 years of grace pay interest only; then equal principal to 15 years after the first drawdown.
    assert all(r["principal_fen"] == 0 for r in payments if r["date"] <= "2029-02-01")
    assert payments[-1]["date"] == "2041-02-01" and payments[-1]["balance_fen"] == 0
    assert sum(r["principal_fen"] for r in payments) == 12_000_000_00
    local = await make_source(finance, world.project, reference="市级")
    problem(await finance.get(f"{API}/funding/sources/{local['id']}/schedule"), 409, "no_schedule")
    # Terms no schedule can follow are refused when the source is recorded.
    body = source_body(kind="special_bond", reference="2026-SH-09")
    body["tranche"]["principal_parts"] = [{"year": 10, "share": "0.5"}]
    problem(await finance.post(f"{API}/projects/{world.project}/funding/sources", json=body), 422,
            "schedule.principal_total")


async def test_project_debt_service_by_year_with_the_coverage_of_its_special_bonds(world, client_for):
    finance = await client_for("finance")
    p = world.project
    body = source_body(kind="special_bond", committed_fen=1_000_000_00, reference="B-1")
    body["tranche"].update(tenor_years=2, frequency="annual", coupon_rate="0.03")
    bond = ok(await finance.post(f"{API}/projects/{p}/funding/sources", json=body))
    # Debt service: 30,000 + 1,030,000 = 1,060,000.00 yuan; revenue 1,200,000 − costs 30,000 covers it 1.1038×.
    for year, revenue, cost in ((2027, 600_000_00, 15_000_00), (2028, 600_000_00, 15_000_00),
                                (2029, 900_000_00, 0)):
        ok(await finance.post(f"{API}/projects/{p}/funding/forecasts",
                              json={"year": year, "item": "停车位", "revenue_fen": revenue, "cost_fen": cost}))
    service = ok(await finance.get(f"{API}/projects/{p}/funding/debt-service"), 200)
    assert service["years"] == [
        {"year": 2027, "interest_fen": 30_000_00, "principal_fen": 0, "debt_service_fen": 30_000_00},
        {"year": 2028, "interest_fen": 30_000_00, "principal_fen": 1_000_000_00, "debt_service_fen": 1_030_000_00}]
    assert service["sources"] == [{"source_id": bond["id"], "kind": "special_bond", "name": "special_bond 资金",
                                   "interest_fen": 60_000_00, "principal_fen": 1_000_000_00}]
    cover = service["coverage"]
    assert (cover["revenue_fen"], cover["cost_fen"], cover["debt_service_fen"]) == (
        1_200_000_00, 30_000_00, 1_060_000_00)
    assert cover["passes"] and not cover["stress_passes"] and cover["ratio"] == "1.1038"
    text = await finance.get(f"{API}/projects/{p}/funding/debt-service.csv")
    assert text.status_code == 200 and len(text.content.decode("utf-8-sig").splitlines()) == 3
