"""Pages: the resident's phone page, staff paper entry with the second-person check, public results, board."""

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker.consultations import services
from tracker.consultations.tables import CountedBallot

ROLL = [{"cert": f"P{n}", "area": "60", "owner": f"p{n}"} for n in range(1, 4)]


async def _open(world, client_for, **extra):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(items=2, scope="building", building_id=building_id, **extra))
    return manager, c


def _form(client, **fields):
    return {"_csrf_token": client.cookies.get("csrftoken"), **fields}


async def test_resident_votes_on_the_phone_page(world, client_for):
    _, c = await _open(world, client_for, visibility="live")
    code = (await services.voting_letters(c["id"]))[0]["code"]
    anon = await client_for(None)
    assert (await anon.get("/vote")).status_code == 200
    wrong = await anon.post("/vote", data=_form(anon, code="XXXX-XXXX-XXXX"))
    assert wrong.status_code == 403
    ballot = await anon.post("/vote", data=_form(anon, code=code))
    assert ballot.status_code == 200 and "120,000.00" in ballot.text
    items = {f"item_{i['id']}": "agree" for i in c["items"]}
    cast = await anon.post("/vote/cast", data=_form(anon, code=code, **items))
    assert cast.status_code == 303 and cast.headers["location"] == "/vote/receipt"
    receipt = await anon.get("/vote/receipt")
    assert receipt.status_code == 200 and 'id="receipt"' in receipt.text and 'id="own-ballot"' in receipt.text
    assert await CountedBallot.count() == 2


async def test_staff_enter_and_a_second_person_confirms_on_the_page(world, client_for):
    manager, c = await _open(world, client_for)
    staff = await client_for("staff")
    items = {f"item_{i['id']}": "oppose" for i in c["items"]}
    entered = await staff.post(f"/consultations/{c['id']}/paper", data=_form(staff, certificate_no="P2", **items))
    assert entered.status_code == 200 and "P2" in entered.text
    sheet = (await services.list_sheets(c["id"]))[0]
    own = await staff.post(f"/ballot-sheets/{sheet.id}/confirm", data=_form(staff, consultation_id=c["id"], **items))
    assert own.status_code == 403
    confirmed = await manager.post(f"/ballot-sheets/{sheet.id}/confirm", data=_form(manager, consultation_id=c["id"], **items))
    assert confirmed.status_code == 200
    assert await CountedBallot.count() == 2
    page = await manager.get(f"/consultations/{c['id']}")
    assert page.status_code == 200
    closed = await manager.post(f"/consultations/{c['id']}/status/close", data=_form(manager))
    assert closed.status_code in (200, 303)


async def test_public_results_page_and_signing_board(world, client_for):
    manager, c = await _open(world, client_for)
    anon = await client_for(None)
    assert (await anon.get(f"/public/consultations/{c['id']}")).status_code == 404
    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    public = await anon.get(f"/public/consultations/{c['id']}")
    assert public.status_code == 200 and "事项 1" in public.text
    assert (await manager.get("/signing-board")).status_code == 200
    assert (await manager.get(f"/projects/{world.project}/consultations")).status_code == 200
