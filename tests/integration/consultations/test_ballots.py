"""Ballots: voting codes, the open window, paper entry with a second person, locking, concurrency."""

import asyncio
import datetime as dt

import pytest

from tests.integration.consultations.helpers import NOW, draft, make_roll, open_consultation, paper_vote
from tracker.consultations import services
from tracker.consultations.tables import BallotSheet, CountedBallot
from tracker.settings import get_settings

ROLL = [{"cert": f"C{n:02d}", "area": "50.5", "owner": f"O{n}", "office": "一所", "subdistrict": "甲街道"} for n in range(1, 6)]


async def _setup(world, client_for, **extra):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(items=3, scope="building", building_id=building_id, **extra))
    letters = await services.voting_letters(c["id"])
    return manager, c, {l["certificate_no"]: l["code"] for l in letters}


def _all(c, choice="agree"):
    return {str(i["id"]): choice for i in c["items"]}


async def test_resident_votes_with_code_changes_while_open_and_history_is_kept(world, client_for):
    manager, c, codes = await _setup(world, client_for)
    anon = await client_for(None)
    looked = await anon.post("/api/v1/vote/lookup", json={"code": codes["C01"]})
    assert looked.status_code == 200, looked.text
    assert [i["estimated_cost"] for i in looked.json()["consultation"]["items"]] == ["120000.00"] * 3
    first = await anon.post("/api/v1/vote", json={"code": codes["C01"], "choices": _all(c)})
    assert first.status_code == 201, first.text
    assert first.json()["receipt_no"].startswith("R")
    second = await anon.post("/api/v1/vote", json={"code": codes["C01"].lower(), "choices": _all(c, "oppose")})
    assert second.status_code == 201
    own = (await anon.post("/api/v1/vote/lookup", json={"code": codes["C01"]})).json()
    assert set(own["own_choices"].values()) == {"oppose"}
    assert own["receipt_no"] == second.json()["receipt_no"]
    assert own["results"] is None  # visible after close by default
    sheets = (await manager.get(f"/api/v1/consultations/{c['id']}/sheets")).json()
    assert [s["status"] for s in sheets] == ["superseded", "counted"]
    assert await CountedBallot.count() == 3


async def test_wrong_code_is_one_403_and_rate_limited(world, client_for):
    _, c, codes = await _setup(world, client_for)
    anon = await client_for(None)
    wrong = await anon.post("/api/v1/vote", json={"code": "AAAA-BBBB-CCCC", "choices": _all(c)})
    assert wrong.status_code == 403
    assert "C0" not in wrong.text
    for _ in range(get_settings().vote_code_max_failures - 1):
        await anon.post("/api/v1/vote/lookup", json={"code": "nope"})
    limited = await anon.post("/api/v1/vote", json={"code": codes["C01"], "choices": _all(c)})
    assert limited.status_code == 429


async def test_ballot_outside_the_window_is_409(world, client_for):
    manager, c, codes = await _setup(world, client_for)
    anon = await client_for(None)
    assert (await manager.post(f"/api/v1/consultations/{c['id']}/close")).status_code == 200
    late = await anon.post("/api/v1/vote", json={"code": codes["C02"], "choices": _all(c)})
    assert late.status_code == 409
    assert late.json()["rule"] == "ballot_window"


async def test_ballot_before_opening_time_is_409(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    body = draft(scope="building", building_id=building_id,
                 opens_at=(NOW + dt.timedelta(days=1)).isoformat(), closes_at=(NOW + dt.timedelta(days=2)).isoformat())
    c = await open_consultation(manager, world.project, body)
    code = (await services.voting_letters(c["id"]))[0]["code"]
    anon = await client_for(None)
    early = await anon.post("/api/v1/vote", json={"code": code, "choices": _all(c)})
    assert early.status_code == 409


async def test_editing_rule_or_roll_of_an_open_consultation_is_409(world, client_for):
    manager, c, _ = await _setup(world, client_for)
    edit = await manager.put(f"/api/v1/consultations/{c['id']}", json=draft(rule_key="art278_ordinary"))
    assert edit.status_code == 409 and edit.json()["rule"] == "frozen_when_open"
    roll = (await manager.get(f"/api/v1/consultations/{c['id']}/roll")).json()
    patched = await manager.patch(f"/api/v1/consultations/{c['id']}/roll/{roll[0]['id']}", json={"area": "99"})
    assert patched.status_code == 409
    assert (await manager.post(f"/api/v1/consultations/{c['id']}/roll/rebuild")).status_code == 409


async def test_draft_roll_can_be_corrected_before_opening(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    created = (await manager.post(f"/api/v1/projects/{world.project}/consultations",
                                  json=draft(scope="building", building_id=building_id))).json()
    assert created["roll_titles"] == 5 and created["status"] == "draft"
    roll = (await manager.get(f"/api/v1/consultations/{created['id']}/roll")).json()
    patched = await manager.patch(f"/api/v1/consultations/{created['id']}/roll/{roll[0]['id']}", json={"area": "60.25"})
    assert patched.status_code == 200 and patched.json()["area"] == "60.25"


async def test_paper_ballot_counts_only_after_a_different_second_person_confirms(world, client_for):
    manager, c, _ = await _setup(world, client_for)
    staff = await client_for("staff")
    entered = await staff.post(f"/api/v1/consultations/{c['id']}/paper-ballots",
                               json={"certificate_no": "C03", "choices": _all(c)})
    assert entered.status_code == 201 and entered.json()["status"] == "pending"
    assert await CountedBallot.count() == 0
    same_person = await staff.post(f"/api/v1/ballot-sheets/{entered.json()['id']}/confirm", json={"choices": _all(c)})
    assert same_person.status_code == 403
    mismatch = await manager.post(f"/api/v1/ballot-sheets/{entered.json()['id']}/confirm",
                                  json={"choices": _all(c, "oppose")})
    assert mismatch.json()["status"] == "mismatch"
    assert await CountedBallot.count() == 0
    flagged = (await manager.get(f"/api/v1/consultations/{c['id']}/sheets?status=mismatch")).json()
    assert [s["id"] for s in flagged] == [entered.json()["id"]]
    assert (await staff.post(f"/api/v1/ballot-sheets/{entered.json()['id']}/resolve",
                             json={"choices": _all(c)})).status_code == 403
    resolved = await manager.post(f"/api/v1/ballot-sheets/{entered.json()['id']}/resolve", json={"choices": _all(c)})
    assert resolved.json()["status"] == "counted"
    assert await CountedBallot.count() == 3


async def test_proxy_needs_reference_and_invalid_needs_reason(world, client_for):
    _, c, _ = await _setup(world, client_for)
    staff = await client_for("staff")
    no_ref = await staff.post(f"/api/v1/consultations/{c['id']}/paper-ballots",
                              json={"certificate_no": "C04", "choices": _all(c), "proxy_name": "赵六"})
    assert no_ref.status_code == 422 and no_ref.json()["field"] == "proxy_reference"
    no_reason = await staff.post(f"/api/v1/consultations/{c['id']}/paper-ballots",
                                 json={"certificate_no": "C04", "choices": _all(c, "invalid")})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "invalid_reason"
    manager = await client_for("manager")
    sheet = await paper_vote(staff, manager, c["id"], "C04", _all(c, "invalid"), invalid_reason="多选",
                             channel="door_to_door", proxy_name="赵六", proxy_reference="委托书2026-001")
    assert sheet["status"] == "counted" and sheet["proxy_reference"] == "委托书2026-001"


async def test_locked_ballots_refuse_a_second_ballot(world, client_for):
    _, c, codes = await _setup(world, client_for, lock_ballots=True)
    anon = await client_for(None)
    assert (await anon.post("/api/v1/vote", json={"code": codes["C05"], "choices": _all(c)})).status_code == 201
    again = await anon.post("/api/v1/vote", json={"code": codes["C05"], "choices": _all(c, "oppose")})
    assert again.status_code == 409 and again.json()["rule"] == "ballots_locked"


@pytest.mark.parametrize("locked", [True, False])
async def test_fifty_simultaneous_submissions_for_one_title_count_once(world, client_for, locked):
    _, c, codes = await _setup(world, client_for, lock_ballots=locked)
    anon = await client_for(None)
    answers = await asyncio.gather(*(
        anon.post("/api/v1/vote", json={"code": codes["C01"], "choices": _all(c, "agree" if n % 2 else "oppose")})
        for n in range(50)
    ))
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {201, 409}, [a.text for a in answers if a.status_code not in (201, 409)][:1]
    counted = await CountedBallot.select().where(CountedBallot.consultation == c["id"])
    assert len(counted) == 3  # one per item
    assert len({row["sheet"] for row in counted}) == 1
    live = await BallotSheet.select(BallotSheet.id).where(
        BallotSheet.consultation == c["id"], BallotSheet.status == "counted"
    )
    assert [r["id"] for r in live] == [counted[0]["sheet"]]
    assert statuses.count(201) == (1 if locked else 50)


async def test_lift_vote_per_stairwell_takes_only_that_stairwells_titles(world, client_for):
    manager = await client_for("manager")
    titles = [{"cert": f"U{n}", "area": "70", "owner": f"u{n}", "stairwell": "1" if n <= 2 else "2"} for n in range(1, 5)]
    _, building_id = await make_roll(world.project, titles)
    created = await manager.post(f"/api/v1/projects/{world.project}/consultations",
                                 json=draft(scope="stairwell", building_id=building_id, stairwell="2"))
    assert created.status_code == 201, created.text
    roll = (await manager.get(f"/api/v1/consultations/{created.json()['id']}/roll")).json()
    assert [e["certificate_no"] for e in roll] == ["U3", "U4"]
    missing = await manager.post(f"/api/v1/projects/{world.project}/consultations",
                                 json=draft(scope="stairwell", building_id=building_id))
    assert missing.status_code == 422 and missing.json()["field"] == "stairwell"
