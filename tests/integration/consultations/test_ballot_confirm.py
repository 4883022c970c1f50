"""The resident's ballot page: choose, see the summary, then cast (nothing counts before the confirm
POST; "change" keeps the choices); why voting is not open, with its dates; the QR code's `?code=` link;
a blank item refused beside it on the ballot and on the staff's paper entry."""

import datetime as dt
import re

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker import clock
from tracker.accounts.tables import RateCounter
from tracker.audit.tables import AuditRecord
from tracker.consultations import services
from tracker.consultations.pages import RECEIPT_MINUTES
from tracker.consultations.tables import BallotSheet, CountedBallot

ROLL = [{"cert": f"Q{n}", "area": "60", "owner": f"q{n}"} for n in range(1, 4)]


async def _open(world, client_for, **extra):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(items=2, scope="building", building_id=building_id, **extra))
    codes = {letter["certificate_no"]: letter["code"] for letter in await services.voting_letters(c["id"])}
    return manager, c, codes


def _form(client, **fields):
    return {"_csrf_token": client.cookies.get("csrftoken"), **fields}


def _checked(html: str, name: str) -> list[str]:
    """The values of the radios named `name` the page shows ticked."""
    return re.findall(rf'<input type="radio" name="{name}" value="(\w+)" required checked', html)


def _local(moment: str | dt.datetime) -> str:
    moment = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


async def test_nothing_is_cast_before_the_confirm_and_change_keeps_the_choices(world, client_for):
    _, c, codes = await _open(world, client_for)
    first, second = (f"item_{i['id']}" for i in c["items"])
    anon = await client_for(None)
    ballot = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
    assert ballot.status_code == 200 and 'action="/vote/confirm"' in ballot.text
    assert _checked(ballot.text, first) == [] and _checked(ballot.text, second) == []  # nothing chosen for them

    summary = await anon.post("/vote/confirm", data=_form(anon, code=codes["Q1"], **{first: "agree", second: "oppose"}))
    assert summary.status_code == 200, summary.text
    listed = re.findall(r'<strong class="answer answer-(\w+)">([^<]+)</strong>', summary.text)
    assert listed == [("agree", "同意"), ("oppose", "反对")]
    assert "确认投票" in summary.text and "返回修改" in summary.text and 'formaction="/vote"' in summary.text
    assert await CountedBallot.count() == 0 and await BallotSheet.count() == 0

    back = await anon.post("/vote", data=_form(anon, code=codes["Q1"], **{first: "agree", second: "oppose"}))
    assert back.status_code == 200
    assert _checked(back.text, first) == ["agree"] and _checked(back.text, second) == ["oppose"]
    assert await BallotSheet.count() == 0

    posted = await anon.post("/vote/cast", data=_form(anon, code=codes["Q1"], **{first: "abstain", second: "oppose"}))
    assert posted.status_code == 303 and posted.headers["location"] == "/vote/receipt"
    cast = await anon.get("/vote/receipt")
    assert cast.status_code == 200 and 'id="receipt"' in cast.text and cast.headers["cache-control"] == "no-store"
    assert {r["choice"] for r in await CountedBallot.select()} == {"abstain", "oppose"}
    # The receipt page is "you have voted", with no ballot form under it; the same code later says so too.
    assert "您已表决" in cast.text and 'action="/vote/confirm"' not in cast.text
    receipt = re.search(r'<strong class="receipt">(R\w+)</strong>', cast.text).group(1)
    again = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
    assert "您已表决" in again.text and receipt in again.text
    assert _checked(again.text, first) == ["abstain"]  # changing starts from the counted ballot


async def test_a_blank_item_is_refused_beside_it_naming_it(world, client_for):
    _, c, codes = await _open(world, client_for)
    first, second = (i["id"] for i in c["items"])
    anon = await client_for(None)
    refused = await anon.post("/vote/confirm", data=_form(anon, code=codes["Q2"], **{f"item_{first}": "agree"}))
    assert refused.status_code == 422
    message = re.search(rf'<p class="field-error" id="item_{second}-error" role="alert">([^<]+)</p>', refused.text)
    assert message and "第 2 项" in message.group(1) and "事项 2" in message.group(1)
    assert _checked(refused.text, f"item_{first}") == ["agree"]  # what was chosen stays chosen
    # Casting without the summary's fields is refused the same way, and counts nothing.
    cast = await anon.post("/vote/cast", data=_form(anon, code=codes["Q2"], **{f"item_{first}": "agree"}))
    assert cast.status_code == 422 and f'id="item_{second}-error"' in cast.text
    assert await BallotSheet.count() == 0


async def test_voting_not_yet_open_says_when_it_opens(world, client_for):
    now = dt.datetime.now(dt.timezone.utc)
    opens, closes = now + dt.timedelta(days=2), now + dt.timedelta(days=9)
    _, c, codes = await _open(world, client_for, opens_at=opens.isoformat(), closes_at=closes.isoformat())
    item = f"item_{c['items'][0]['id']}"
    anon = await client_for(None)
    page = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
    assert page.status_code == 200 and 'data-state="not_yet"' in page.text
    assert f"表决尚未开始，将于 {_local(opens)} 开始，{_local(closes)} 截止。" in page.text
    assert 'action="/vote/confirm"' not in page.text
    for path in ("/vote/confirm", "/vote/cast"):  # a ballot page left open, or posted by hand
        refused = await anon.post(path, data=_form(anon, code=codes["Q1"], **{f"item_{i['id']}": "agree" for i in c["items"]}))
        assert refused.status_code == 409 and "表决尚未开始" in refused.text
        assert 'action="/vote/confirm"' not in refused.text and not _checked(refused.text, item)
    assert await BallotSheet.count() == 0


async def test_voting_closed_says_when_and_why(world, client_for):
    manager, c, codes = await _open(world, client_for)
    anon = await client_for(None)
    choices = {f"item_{i['id']}": "agree" for i in c["items"]}
    assert (await anon.post("/vote/cast", data=_form(anon, code=codes["Q3"], **choices))).status_code == 303
    # The window has passed; the scheduled closing has not run yet.
    with clock.frozen(dt.datetime.fromisoformat(c["closes_at"]) + dt.timedelta(minutes=5)):
        ended = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
        assert 'data-state="ended"' in ended.text
        assert f"表决已结束：表决期已于 {_local(c['closes_at'])} 截止。" in ended.text
    closed = await manager.post(f"/api/v1/consultations/{c['id']}/close")
    assert closed.status_code == 200, closed.text
    closed_at = (await services.voting_window(c["id"])).closed_at
    early = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
    assert f"组织方已于 {_local(closed_at)} 提前结束表决（原定 {_local(c['closes_at'])} 截止）" in early.text
    assert 'action="/vote/confirm"' not in early.text
    refused = await anon.post("/vote/confirm", data=_form(anon, code=codes["Q1"], **choices))
    assert refused.status_code == 409 and 'data-state="closed_early"' in refused.text
    # A title that voted sees its ballot and receipt beside the reason.
    voted = await anon.post("/vote", data=_form(anon, code=codes["Q3"]))
    assert "您已表决" in voted.text and re.search(r'<strong class="receipt">R\w+</strong>', voted.text)
    assert (await manager.post(f"/api/v1/consultations/{c['id']}/decide")).status_code == 200
    decided = await anon.post("/vote", data=_form(anon, code=codes["Q1"]))
    assert f"表决已于 {_local(closed_at)} 结束，表决结果已确定。" in decided.text


async def test_the_qr_codes_link_fills_the_code_in_and_looks_nothing_up(world, client_for):
    _, _, codes = await _open(world, client_for)
    anon = await client_for(None)
    audited, counted = await AuditRecord.count(), await RateCounter.count()
    page = await anon.get("/vote", params={"code": codes["Q1"]})
    assert page.status_code == 200 and f'name="code" value="{codes["Q1"]}"' in page.text
    assert 'id="code-filled"' in page.text
    wrong = await anon.get("/vote", params={"code": "NOT-A-CODE"})
    assert 'value="NOT-A-CODE"' in wrong.text and "role=\"alert\"" not in wrong.text  # not looked up on GET
    long = await anon.get("/vote", params={"code": "X" * 65})
    assert long.status_code == 200 and 'name="code" value=""' in long.text
    assert await AuditRecord.count() == audited and await RateCounter.count() == counted


async def test_paper_entry_refuses_a_blank_item_beside_it_and_keeps_what_was_typed(world, client_for):
    _, c, _ = await _open(world, client_for)
    first, second = (i["id"] for i in c["items"])
    staff = await client_for("staff")
    refused = await staff.post(f"/consultations/{c['id']}/paper",
                               data=_form(staff, certificate_no="Q2", **{f"item_{second}": "oppose"}))
    assert refused.status_code == 422
    form = refused.text.split('id="paper-entry"', 1)[1].split("</form>", 1)[0]
    assert f'id="item_{first}-error"' in form and "第 1 项" in form
    assert 'value="Q2"' in form and _checked(form, f"item_{second}") == ["oppose"]
    assert await BallotSheet.count() == 0


async def test_the_receipt_is_a_page_of_the_session_that_cast_and_a_refresh_casts_nothing(world, client_for):
    """POST /vote/cast answers 303 to /vote/receipt: a refresh (or Back then Forward) asks for the receipt
    again and casts nothing; the receipt page holds no code, and another browser has no receipt."""
    _, c, codes = await _open(world, client_for)
    choices = {f"item_{i['id']}": "agree" for i in c["items"]}
    anon = await client_for(None)
    assert (await anon.get("/vote/receipt")).headers["location"] == "/vote"  # nothing cast in this browser yet
    posted = await anon.post("/vote/cast", data=_form(anon, code=codes["Q2"], **choices))
    assert posted.status_code == 303 and posted.headers["location"] == "/vote/receipt"
    sheets, counted, audited = await BallotSheet.count(), await CountedBallot.count(), await AuditRecord.count()
    first = await anon.get("/vote/receipt")
    again = await anon.get("/vote/receipt")  # the refresh
    number = (await BallotSheet.select(BallotSheet.receipt_no))[0]["receipt_no"]
    for page in (first, again):
        assert page.status_code == 200 and f"<strong>{number}</strong>" in page.text and 'id="receipt"' in page.text
        assert codes["Q2"] not in page.text and 'href="/vote" id="change-vote"' in page.text
    assert (await BallotSheet.count(), await CountedBallot.count(), await AuditRecord.count()) == (sheets, counted, audited)
    other = await client_for(None)
    assert (await other.get("/vote/receipt")).headers["location"] == "/vote"
    # A second ballot of the same title replaces the receipt the page shows.
    assert (await anon.post("/vote/cast", data=_form(anon, code=codes["Q2"], **choices))).status_code == 303
    newer = (await BallotSheet.select(BallotSheet.receipt_no).order_by(BallotSheet.id))[-1]["receipt_no"]
    assert newer != number and f"<strong>{newer}</strong>" in (await anon.get("/vote/receipt")).text
    # On a shared computer the next visitor, half an hour on, finds the code page and no one's ballot.
    later = clock.now() + dt.timedelta(minutes=RECEIPT_MINUTES, seconds=1)
    with clock.frozen(later):
        assert (await anon.get("/vote/receipt")).headers["location"] == "/vote"
    assert (await anon.get("/vote/receipt")).headers["location"] == "/vote"  # and it is gone for good


async def test_a_refused_code_comes_back_on_the_code_page_once_and_is_not_kept(world, client_for, app):
    """A wrong code answers 303 to the code page with the message (never the code, nor the QR code's
    address that holds it); the visitor's next form is accepted (its CSRF token did not change when
    the session was made to keep the refusal), and the session keeps nothing of the code."""
    import httpx

    from tracker.accounts.tables import WebSession

    _, _, codes = await _open(world, client_for)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as browser:
        for page in ("/vote", "/vote?code=WRONG-WRONG-1"):
            shown = await browser.get(page)
            token = re.search(r'name="_csrf_token" value="([^"]+)"', shown.text).group(1)
            wrong = await browser.post("/vote", data={"_csrf_token": token, "code": "WRONG-WRONG-1"},
                                       headers={"referer": f"http://testserver.local{page}"})
            assert wrong.status_code == 303 and wrong.headers["location"] == "/vote"  # not the QR's address
            stored = b"".join(bytes(r["data"]) for r in await WebSession.select(WebSession.data))
            assert b"WRONG" not in stored
            refused = await browser.get("/vote")
            assert refused.status_code == 200 and refused.headers["cache-control"] == "no-store"
            assert 'id="code-error"' in refused.text and "WRONG" not in refused.text
            assert 'id="code-error"' not in (await browser.get("/vote")).text  # shown once
            # The page shown before the refusal (Back) and the one after it carry tokens that still work.
            for form_token in (token, re.search(r'name="_csrf_token" value="([^"]+)"', refused.text).group(1)):
                ballot = await browser.post("/vote", data={"_csrf_token": form_token, "code": codes["Q1"]})
                assert ballot.status_code == 200 and 'action="/vote/confirm"' in ballot.text
