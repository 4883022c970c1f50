"""The resident's home (/my): their household, the votes on its title with the receipt, results when
published, their defect reports; a second household's resident sees none of the first's."""

from __future__ import annotations

from tests.integration.consultations.helpers import draft, open_consultation
from tests.support import _HASH, PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import Role
from tracker.accounts.services import create_user
from tracker.consultations import services as consultations


async def _neighbour(world) -> None:
    await create_user(SYSTEM, username="neighbour", display_name="Neighbour", password=PASSWORD,
                      password_hash=_HASH, role=Role.resident, household_id=world.households[1],
                      project_ids=[world.project])


async def test_resident_home_shows_household_votes_receipt_and_reports(world, client_for):
    await _neighbour(world)
    manager = await client_for("manager")
    c = await open_consultation(manager, world.project, draft(title="加装电梯表决"))
    codes = {l["certificate_no"]: l["code"] for l in await consultations.voting_letters(c["id"])}
    anon = await client_for(None)
    voted = await anon.post("/api/v1/vote", json={"code": codes["沪房地静字(1998)第001号"],
                                                  "choices": {str(c["items"][0]["id"]): "agree"}})
    assert voted.status_code == 201, voted.text
    receipt = voted.json()["receipt_no"]

    resident = await client_for("resident")
    reported = await resident.post(f"/projects/{world.project}/inspections/reports",
                                   files={"description": (None, "楼道灯不亮"), "location": (None, "1单元3楼")})
    assert reported.status_code == 303, reported.text

    page = await resident.get("/my")
    assert page.status_code == 200, page.text
    text = page.text
    assert "沪房地静字(1998)第001号" in text and "张三" in text and "80.50" in text
    assert 'id="vote-%d"' % c["id"] in text and 'href="/vote"' in text
    assert receipt in text and "voted" in text
    assert "楼道灯不亮" in text
    assert f'href="/projects/{world.project}/inspections/reports"' in text
    assert "/public/consultations/" not in text  # results are published after the close by default

    neighbour = await client_for("neighbour")
    other = (await neighbour.get("/my")).text
    assert "沪房地静字(1998)第002号" in other and "李四" in other
    assert "沪房地静字(1998)第001号" not in other and "张三" not in other
    assert 'id="vote-%d"' % c["id"] in other  # the same consultation, their own title
    assert receipt not in other and 'class="voted"' not in other
    assert "楼道灯不亮" not in other

    closed = await manager.post(f"/api/v1/consultations/{c['id']}/close")
    assert closed.status_code == 200, closed.text
    after = (await resident.get("/my")).text
    assert f'href="/public/consultations/{c["id"]}"' in after and receipt in after
    assert 'class="big" href="/vote"' not in after


async def test_my_is_the_residents_only(world, client_for):
    for username in ("inspector", "staff", "admin"):
        assert (await (await client_for(username)).get("/my")).status_code == 403
    anon = await client_for(None)
    assert (await anon.get("/my", follow_redirects=False)).status_code in (302, 303, 401)
