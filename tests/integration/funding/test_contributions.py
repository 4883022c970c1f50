"""Resident contributions follow a decided consultation: the plan per household from the frozen roll
(by area, half-up to the fen, or flat), idempotent; payments never above what is due; a resident reads
only their own."""

from __future__ import annotations

import pytest

from funding.tables import Contribution
from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote
from tests.integration.funding.helpers import API, TODAY, make_source, ok, problem

pytestmark = pytest.mark.asyncio

ROLL = [{"cert": c, "area": "40", "owner": c.lower()} for c in ("A1", "A2", "A3", "B1", "B2")]


async def _decided_menu(world, client_for) -> tuple[dict, dict, dict]:
    manager = await client_for("manager")
    staff = await client_for("staff")
    await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft("art278_ordinary", items=2))
    first, second = (i["id"] for i in c["items"])
    for cert in ("A1", "A2", "A3", "B1", "B2", "沪房地静字(1998)第001号", "沪房地静字(1998)第002号"):
        await paper_vote(staff, manager, c["id"], cert, {str(first): "agree", str(second): "oppose"})
    return c, {"id": first}, {"id": second}


async def test_a_passed_item_with_a_share_plans_every_household_once(world, client_for):
    consultation, passed, failed = await _decided_menu(world, client_for)
    finance = await client_for("finance")
    manager = await client_for("manager")
    base = f"{API}/projects/{world.project}/funding"
    ok(await finance.post(f"{base}/item-shares", json={"item_id": failed["id"], "basis": "flat", "rate_fen": 300_00}))
    problem(await finance.post(f"{base}/contributions/generate", json={"item_id": failed["id"]}), 409,
            "consultation_not_decided", "item_id")
    ok(await manager.post(f"{API}/consultations/{consultation['id']}/close"), 200)
    ok(await manager.post(f"{API}/consultations/{consultation['id']}/decide"), 200)
    problem(await finance.post(f"{base}/contributions/generate", json={"item_id": failed["id"]}), 409,
            "item_not_passed")
    problem(await finance.post(f"{base}/contributions/generate", json={"item_id": passed["id"]}), 409,
            "item_share_missing")
    # 33.33 yuan per m², set on an item already passed: the plan follows at once.
    share = ok(await finance.post(f"{base}/item-shares",
                                  json={"item_id": passed["id"], "basis": "per_area", "rate_fen": 33_33}))
    assert share["generated"] == 8
    problem(await finance.post(f"{base}/item-shares", json={"item_id": passed["id"], "basis": "flat",
                                                           "rate_fen": 1}), 409, "item_share_one_per_item")
    again = ok(await finance.post(f"{base}/contributions/generate", json={"item_id": passed["id"]}), 200)
    # 5 × 40 m² and the world's 80.50, 90.00 and 65.25 m²: 1333.20 ×5, 2683.065 → 2683.07, 2999.70, 2174.7825 → 2174.78
    assert again == {"item_id": passed["id"], "generated": 0, "households": 8,
                     "due_fen": 5 * 1333_20 + 2683_07 + 2999_70 + 2174_78}
    staff = await client_for("staff")
    listed = ok(await staff.get(f"{base}/contributions", params={"item_id": passed["id"]}), 200)
    mine = next(c for c in listed if c["household_id"] == world.households[0])
    assert mine["due_fen"] == 2683_07 and mine["status"] == "due"
    url = f"{API}/funding/contributions/{mine['id']}/payments"
    paid = ok(await staff.post(url, json={"amount_fen": 1000_00, "paid_on": TODAY}), 200)
    assert (paid["paid_fen"], paid["status"]) == (1000_00, "part_paid")
    problem(await staff.post(url, json={"amount_fen": 1683_08, "paid_on": TODAY}), 409, "payment_within_due")
    problem(await staff.post(url, json={"amount_fen": 1, "paid_on": "2999-01-01"}), 422, "payment_in_future")
    # Paid into the project's 居民出资 source, the payment is that source's arrival in the same transaction.
    city = await make_source(finance, world.project, reference="市级")
    residents = await make_source(finance, world.project, kind="resident", committed_fen=1683_07, reference="居民出资")
    problem(await staff.post(url, json={"amount_fen": 1683_07, "paid_on": TODAY, "source_id": city["id"]}), 409,
            "source_kind")
    problem(await staff.post(url, json={"amount_fen": 1683_07, "paid_on": "2026-01-01",
                                        "source_id": residents["id"]}), 422, "arrival_before_approval")
    assert ok(await staff.post(url, json={"amount_fen": 1683_07, "paid_on": TODAY, "source_id": residents["id"],
                                          "voucher_no": "收-7"}), 200)["status"] == "paid"
    arrivals = ok(await finance.get(f"{API}/funding/sources/{residents['id']}/arrivals"), 200)
    assert [(a["amount_fen"], a["voucher_no"]) for a in arrivals] == [(1683_07, "收-7")]
    problem(await staff.post(f"{API}/funding/contributions/{mine['id']}/waive", json={"reason": "低保户"}), 403)
    problem(await finance.post(f"{API}/funding/contributions/{mine['id']}/waive", json={"reason": "低保户"}), 409,
            "contribution_settled")
    other = next(c for c in listed if c["household_id"] == world.households[1])
    ok(await staff.post(f"{API}/funding/contributions/{other['id']}/payments", json={"amount_fen": 1_00,
                                                                                   "paid_on": TODAY}), 200)
    waived = ok(await finance.post(f"{API}/funding/contributions/{other['id']}/waive", json={"reason": "低保户"}), 200)
    assert (waived["status"], waived["paid_fen"]) == ("waived", 1_00)
    problem(await staff.post(f"{API}/funding/contributions/{other['id']}/payments",
                             json={"amount_fen": 1_00, "paid_on": TODAY}), 409, "contribution_waived")
    # The resident sees their own share and status, nothing of another household.
    resident = await client_for("resident")
    own = ok(await resident.get(f"{API}/households/{world.households[0]}/contributions"), 200)
    assert [(c["due_fen"], c["paid_fen"], c["status"]) for c in own] == [(2683_07, 2683_07, "paid")]
    assert "李四" not in str(own) and "certificate_no" not in own[0]
    assert (await resident.get(f"{API}/households/{world.households[1]}/contributions")).status_code == 403
    contractor = await client_for("contractor")
    assert (await contractor.get(f"{base}/contributions")).status_code == 403
    overview = ok(await finance.get(f"{base}/overview"), 200)
    assert (overview["contributions_due_fen"], overview["contributions_paid_fen"]) == (again["due_fen"], 2683_07 + 1_00)
    assert await Contribution.count() == 8
