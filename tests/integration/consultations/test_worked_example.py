"""The worked example of Civil Code Art. 278 (issue 4), replayed through the JSON API."""

from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote

ROLL = [
    {"cert": "T01", "area": "80", "owner": "A"},
    {"cert": "T02", "area": "90", "owner": "B"},
    {"cert": "T03", "area": "110", "owner": "C"},
    {"cert": "T04", "area": "100", "owner": "D"},
    {"cert": "T05", "area": "120", "owner": "E"},
    {"cert": "T06", "area": "100", "owner": "F"},
    {"cert": "T07", "area": "100", "owner": "G"},
    {"cert": "T08", "area": "100", "owner": "H"},
    {"cert": "T09", "area": "100", "owner": "Z"},
    {"cert": "T10", "area": "100", "owner": "Z"},
]
VOTES = {"T01": "agree", "T02": "agree", "T03": "agree", "T04": "agree", "T09": "agree", "T10": "agree",
         "T05": "oppose", "T06": "abstain"}


async def _run(world, client_for, rule_key, extra_votes=None):
    manager = await client_for("manager")
    staff = await client_for("staff")
    # The world's three households are in another building; the vote is scoped to ours.
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(
        manager, world.project, draft(rule_key, scope="building", building_id=building_id)
    )
    item = c["items"][0]["id"]
    for cert, choice in {**VOTES, **(extra_votes or {})}.items():
        await paper_vote(staff, manager, c["id"], cert, {str(item): choice})
    closed = await manager.post(f"/api/v1/consultations/{c['id']}/close")
    assert closed.status_code == 200, closed.text
    decided = await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    assert decided.status_code == 200, decided.text
    results = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    return results["items"][0]


async def test_major_matter_fails_with_both_shares_under_three_quarters(world, client_for):
    item = await _run(world, client_for, "art278_major")
    t = item["totals"]
    assert (t["roll_titles"], t["roll_heads"], t["roll_area"]) == (10, 9, "1000.00")
    assert (t["participating_heads"], t["participating_area"]) == (7, "800.00")
    assert (t["agree_heads"], t["agree_area"]) == (5, "580.00")
    assert (t["agree_titles"], t["oppose_titles"], t["abstain_titles"], t["not_voted_titles"]) == (6, 1, 1, 2)
    assert item["passed"] is False and item["final"] is True
    met = {r["code"]: r["met"] for r in item["reasons"]}
    assert met == {"participation_heads": True, "participation_area": True, "agree_heads": False, "agree_area": False}


async def test_other_matter_passes_with_both_shares_over_half(world, client_for):
    item = await _run(world, client_for, "art278_ordinary")
    assert item["passed"] is True
    assert all(r["met"] for r in item["reasons"])


async def test_major_matter_passes_when_seven_also_agrees(world, client_for):
    item = await _run(world, client_for, "art278_major", {"T07": "agree"})
    t = item["totals"]
    assert (t["participating_heads"], t["agree_heads"]) == (8, 6)  # exactly 3/4
    assert (t["participating_area"], t["agree_area"]) == ("900.00", "680.00")
    assert item["passed"] is True
