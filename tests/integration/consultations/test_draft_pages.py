"""Staff create and edit a draft consultation and its items on pages, through the API's own schema and
service: required choices start empty and are refused, refusals stand beside their field, a draft's
items are added, edited, reordered and removed, and once voting opens the draft is frozen."""

from __future__ import annotations

import re

from tests.integration.consultations.helpers import make_roll
from tracker.audit.tables import AuditRecord
from tracker.consultations import services
from tracker.consultations.tables import Consultation

ROLL = [{"cert": f"D{n}", "area": "55", "owner": f"d{n}"} for n in range(1, 4)]


def _form(client, **fields):
    return {"_csrf_token": client.cookies.get("csrftoken"), **fields}


def _new(building_id: int, **over) -> dict:
    fields = {
        "title": "梅园新村综合改造菜单", "kind": "retrofit_menu", "rule_key": "art278_major", "rule_p": "",
        "opens_at": "2026-12-01T09:00", "closes_at": "2026-12-15T17:00", "scope": "building",
        "building_id": str(building_id), "stairwell": "", "visibility": "after_close",
        "description": "屋面防水翻修", "item_class": "safety", "estimated_cost": "1200000.00",
        "resident_share": "0",
    }
    return {**fields, **over}


async def _created(client, project_id: int, building_id: int) -> int:
    response = await client.post(f"/projects/{project_id}/consultations/new",
                                 data=_form(client, **_new(building_id)), follow_redirects=False)
    assert response.status_code == 303, re.findall(r"role=.alert.>[^<]*", response.text)
    return int(re.search(r"/consultations/(\d+)/edit", response.headers["location"]).group(1))


async def test_staff_create_a_draft_add_items_and_open_voting_by_clicking(world, client_for):
    staff = await client_for("staff")
    _, building_id = await make_roll(world.project, ROLL)
    listing = await staff.get(f"/projects/{world.project}/consultations")
    assert f'href="/projects/{world.project}/consultations/new"' in listing.text
    page = await staff.get(f"/projects/{world.project}/consultations/new")
    assert page.status_code == 200
    # Every required choice starts on "请选择"; nothing is preselected for kind, rule or item class.
    for name in ("kind", "rule_key", "item_class"):
        select = re.search(rf'<select name="{name}" required>(.*?)</select>', page.text, re.S).group(1)
        assert select.lstrip().startswith('<option value="">请选择</option>') and "selected" not in select

    response = await staff.post(f"/projects/{world.project}/consultations/new", data=_form(
        staff, **_new(building_id, organiser="梅园街道", contact_phone="0571-8888 6666")), follow_redirects=False)
    assert response.status_code == 303
    cid = int(re.search(r"/consultations/(\d+)/edit", response.headers["location"]).group(1))
    edit = await staff.get(f"/consultations/{cid}/edit")
    assert 'value="梅园街道"' in edit.text and 'value="0571-8888 6666"' in edit.text
    assert "草稿及第一个事项已保存" in edit.text  # the notice says what happens next
    c = await services.get_consultation(cid)
    assert c.status == "draft" and c.roll_titles == 3 and c.building_id == building_id
    assert [(i.description, i.item_class, str(i.estimated_cost)) for i in c.items] == [("屋面防水翻修", "safety", "1200000.00")]

    for text, kind in (("外立面整治", "basic"), ("加装电梯", "upgrade")):
        added = await staff.post(f"/consultations/{cid}/items", data=_form(
            staff, description=text, item_class=kind, estimated_cost="", resident_share="3000"), follow_redirects=False)
        assert added.status_code == 303 and added.headers["location"].endswith(f"/consultations/{cid}/edit#items")
    moved = await staff.post(f"/consultations/{cid}/items/3/move", data=_form(staff, direction="up"),
                             follow_redirects=False)
    assert moved.status_code == 303
    edited = await staff.post(f"/consultations/{cid}/items/1", data=_form(
        staff, description="屋面防水及保温翻修", item_class="safety", estimated_cost="1300000", resident_share=""),
        follow_redirects=False)
    assert edited.status_code == 303
    removed = await staff.post(f"/consultations/{cid}/items/3/remove", data=_form(staff), follow_redirects=False)
    assert removed.status_code == 303
    c = await services.get_consultation(cid)
    assert [(i.position, i.description) for i in c.items] == [(1, "屋面防水及保温翻修"), (2, "加装电梯")]
    # The item forms send the whole draft again: the letters' organiser and phone survive them.
    assert (c.organiser, c.contact_phone) == ("梅园街道", "0571-8888 6666")
    assert c.items[1].resident_share == 3000 and c.items[1].estimated_cost is None

    changed = await staff.post(f"/consultations/{cid}/edit", data=_form(staff, **{
        **_new(building_id, title="梅园新村改造菜单（第二稿）", visibility="live", lock_ballots="true")}),
        follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == f"/consultations/{cid}"
    c = await services.get_consultation(cid)
    assert c.title == "梅园新村改造菜单（第二稿）" and c.visibility == "live" and c.lock_ballots
    assert len(c.items) == 2  # the draft's form keeps the items
    # Each change is one audited update through the API's service (4 item forms and the draft's form).
    actions = [r["action"] for r in await AuditRecord.select(AuditRecord.action).where(
        AuditRecord.entity == "consultation", AuditRecord.entity_id == str(cid))]
    assert actions.count("consultation.create") == 1 and actions.count("consultation.update") == 6

    # From the consultation's page, a click opens voting.
    detail = await staff.get(f"/consultations/{cid}")
    assert f'href="/consultations/{cid}/edit"' in detail.text
    assert f'action="/consultations/{cid}/status/open"' in detail.text
    opened = await staff.post(f"/consultations/{cid}/status/open", data=_form(staff), follow_redirects=False)
    assert opened.status_code == 303
    assert (await services.get_consultation(cid)).status == "open"
    assert "表决已开始，名册已冻结。请打印表决告知书" in (await staff.get(f"/consultations/{cid}")).text

    # Open: the page says it is frozen and every form refuses, writing nothing.
    frozen = await staff.get(f"/consultations/{cid}/edit")
    assert frozen.status_code == 409 and "表决已开始" in frozen.text and 'id="draft-form"' not in frozen.text
    again = await staff.post(f"/consultations/{cid}/items", data=_form(
        staff, description="新增", item_class="basic", estimated_cost="", resident_share=""), follow_redirects=False)
    assert again.status_code == 409 and "表决已开始" in again.text
    refused = await staff.post(f"/consultations/{cid}/edit", data=_form(staff, **_new(building_id, title="改")),
                               follow_redirects=False)
    assert refused.status_code == 409
    assert len((await services.get_consultation(cid)).items) == 2


async def test_refusals_stand_beside_their_field_and_write_nothing(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    url = f"/projects/{world.project}/consultations/new"
    for field, value, message in (
        ("kind", "", 'id="kind-error"'),
        ("item_class", "", 'id="item_class-error" role="alert">请选择事项类别。'),
        ("rule_key", "", 'id="rule_key-error"'),
        ("closes_at", "2026-11-30T09:00", 'id="closes_at-error"'),
        ("title", "长" * 201, 'id="title-error"'),
        ("estimated_cost", "-5", 'id="estimated_cost-error"'),
    ):
        response = await manager.post(url, data=_form(manager, **_new(building_id, **{field: value})),
                                      follow_redirects=False)
        assert response.status_code in (400, 409, 422), (field, response.status_code)
        assert message in response.text, (field, response.text[:3000])
        assert 'value="梅园新村综合改造菜单"' in response.text or field == "title"  # what was typed is kept
    # A roll share needs its share, refused beside its own field; an intent asks one question only.
    share = await manager.post(url, data=_form(manager, **_new(building_id, rule_key="roll_share", rule_p="11/10")))
    assert share.status_code == 422 and 'id="rule_p-error"' in share.text
    assert await Consultation.count() == 0

    cid = await _created(manager, world.project, building_id)
    await manager.post(f"/consultations/{cid}/edit", data=_form(manager, **_new(building_id, kind="intent")))
    two = await manager.post(f"/consultations/{cid}/items", data=_form(
        manager, description="第二问", item_class="question", estimated_cost="", resident_share=""))
    assert two.status_code == 422 and "只有改造菜单可含多个事项" in two.text
    last = await manager.post(f"/consultations/{cid}/items/1/remove", data=_form(manager))
    assert last.status_code == 422 and 'class="error"' in last.text
    nowhere = await manager.post(f"/consultations/{cid}/items/7", data=_form(
        manager, description="x", item_class="basic", estimated_cost="", resident_share=""))
    assert nowhere.status_code == 404
    assert len((await services.get_consultation(cid)).items) == 1


async def test_only_the_resident_office_writes_drafts(world, client_for):
    inspector = await client_for("inspector")
    assert (await inspector.get(f"/projects/{world.project}/consultations/new")).status_code == 403
    listing = await inspector.get(f"/projects/{world.project}/consultations")
    assert "/consultations/new" not in listing.text
