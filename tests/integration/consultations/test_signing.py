"""Signing round: signed / sealed / moved dates, the deadline rule, the lottery, the board, lost contact."""

import datetime as dt
import hashlib

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker.consultations.lottery import draw_order

ROLL = [{"cert": f"S{n}", "area": "30", "owner": f"s{n}"} for n in range(1, 5)]


async def _signing(world, client_for, p="3/4"):
    manager = await client_for("manager")
    ids, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(
        "roll_share", kind="signing", rule_params={"p": p}, scope="building", building_id=building_id))
    roll = {e["certificate_no"]: e["id"] for e in (await manager.get(f"/api/v1/consultations/{c['id']}/roll")).json()}
    return manager, c, roll, ids


async def test_signing_ratio_reached_by_the_deadline_passes(world, client_for):
    manager, c, roll, _ = await _signing(world, client_for)
    today = dt.date.today()
    for cert in ("S1", "S2", "S3"):
        r = await manager.post(f"/api/v1/consultations/{c['id']}/signing/{roll[cert]}", json={"signed_on": today.isoformat()})
        assert r.status_code == 200 and r.json()["counts_for_rule"] is True, r.text
    sealed = await manager.post(f"/api/v1/consultations/{c['id']}/signing/{roll['S1']}",
                                json={"sealed_on": today.isoformat(), "moved_on": today.isoformat()})
    assert sealed.json()["signed_on"] == today.isoformat()
    unsigned = await manager.post(f"/api/v1/consultations/{c['id']}/signing/{roll['S4']}", json={"sealed_on": today.isoformat()})
    assert unsigned.status_code == 422
    board = (await manager.get("/api/v1/signing-board")).json()
    assert board[0]["signed"] == 3 and board[0]["signed_rate"] == "75.00%" and board[0]["sealed_rate"] == "25.00%"
    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    res = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    assert res["items"][0]["passed"] is True  # exactly 3/4 of the whole roll


async def test_signing_round_lapses_under_the_ratio(world, client_for):
    manager, c, roll, _ = await _signing(world, client_for, p="17/20")
    await manager.post(f"/api/v1/consultations/{c['id']}/signing/{roll['S1']}", json={"signed_on": dt.date.today().isoformat()})
    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    res = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    assert res["items"][0]["passed"] is False


async def test_lottery_is_reproducible_from_the_published_seed(world, client_for):
    manager, c, _, _ = await _signing(world, client_for)
    seed = "2026-11-23 福彩3D 第2026318期 开奖号 472"
    drawn = await manager.post(f"/api/v1/consultations/{c['id']}/lottery", json={"seed": seed})
    assert drawn.status_code == 201
    expected = sorted([f"S{n}" for n in range(1, 5)],
                      key=lambda cert: (hashlib.sha256(f"{seed}|{cert}".encode()).hexdigest(), cert))
    assert drawn.json()["order"] == expected == draw_order(seed, ["S4", "S3", "S2", "S1"])
    again = await manager.post(f"/api/v1/consultations/{c['id']}/lottery", json={"seed": "another seed"})
    assert again.status_code == 409
    assert (await manager.get(f"/api/v1/consultations/{c['id']}/lottery/signing")).json()["order"] == expected


async def test_lost_contact_list(world, client_for):
    manager, c, roll, ids = await _signing(world, client_for)
    await manager.patch(f"/api/v1/households/{ids['S2']}", json={"contact_status": "lost"})
    lost = (await manager.get(f"/api/v1/consultations/{c['id']}/lost-contact")).json()
    assert [x["certificate_no"] for x in lost] == ["S2"]


async def test_outsider_cannot_reach_another_projects_consultation(world, client_for):
    _, c, _, _ = await _signing(world, client_for)
    outsider = await client_for("outsider")
    assert (await outsider.get(f"/api/v1/consultations/{c['id']}/results")).status_code == 403
    contractor = await client_for("contractor")
    assert (await contractor.get(f"/api/v1/consultations/{c['id']}")).status_code == 403
