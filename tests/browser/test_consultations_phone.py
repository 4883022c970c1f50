"""A resident votes on a phone by tapping the answer rows, with the code the letter's QR code fills in,
and confirms a summary before the ballot is cast; staff enter a paper ballot and a second staff member
confirms it. Screenshots at 390×844 and 1366×900 go to var/screenshots/."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.browser.conftest import PHONE
from tests.support import PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.consultations import services
from tracker.consultations.kinds import ConsultationKind, ItemClass, Scope
from tracker.consultations.schemas import ConsultationIn, ItemIn
from tracker.consultations.tables import BallotSheet, CountedBallot

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NO_OVERFLOW = "document.scrollingElement.scrollWidth <= window.innerWidth"

# Each answer row of the page: the row's box, its radio's and its word's, and whether it looks chosen
# (a border in the accent colour, a tinted background, the check mark shown).
ROWS = """() => [...document.querySelectorAll('label.choice')].map(row => {
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const radio = row.querySelector('input[type=radio]'), word = row.querySelector('.choice-text');
  const style = getComputedStyle(row);
  return {group: [...document.forms].indexOf(radio.form) + '/' + radio.name, name: radio.name, value: radio.value, checked: radio.checked, row: box(row), radio: box(radio),
          word: box(word), text: word.innerText, border: style.borderTopColor, background: style.backgroundColor,
          mark: getComputedStyle(row.querySelector('.choice-mark')).visibility};
})"""
ACCENT = "rgb(11, 92, 173)"  # --accent of app.css


async def _open(world) -> tuple[int, list[dict]]:
    now = dt.datetime.now(dt.timezone.utc)
    c = await services.create_consultation(SYSTEM, world.project, ConsultationIn(
        title="梅园新村改造菜单", kind=ConsultationKind.retrofit_menu, rule_key="art278_major",
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7), scope=Scope.building,
        building_id=world.building,
        items=[ItemIn(description="分户供热改造", item_class=ItemClass.basic, estimated_cost=Decimal("1200000"), resident_share=Decimal("3000")),
               ItemIn(description="加装电梯", item_class=ItemClass.upgrade, estimated_cost=Decimal("800000"), resident_share=Decimal("20000"))],
    ))
    await services.open_consultation(SYSTEM, c.id)
    return c.id, await services.voting_letters(c.id)


async def _log_in(page, username):
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


def _assert_rows_read_well(rows: list[dict], *, one_line_per_item: bool) -> None:
    """Each answer's word on the same line as its radio, right of it, inside a row at least 44 px tall;
    the chosen row (and only it) marked; on a phone the rows stack, on a desk an item's sit on one line."""
    assert rows
    for r in rows:
        radio_mid, word_mid = r["radio"]["y"] + r["radio"]["h"] / 2, r["word"]["y"] + r["word"]["h"] / 2
        assert abs(radio_mid - word_mid) <= 4, r
        assert r["word"]["x"] >= r["radio"]["x"] + r["radio"]["w"], r
        assert r["row"]["h"] >= 44, r
        marked = r["border"] == ACCENT and r["background"] != "rgb(255, 255, 255)" and r["mark"] == "visible"
        assert marked == r["checked"], r
    for group in {r["group"] for r in rows}:  # an item's answers in one form
        tops = {round(r["row"]["y"]) for r in rows if r["group"] == group}
        assert (len(tops) == 1) == one_line_per_item, (group, tops)


async def _tap_row(page, item: int, word: str) -> None:
    await page.locator(f"fieldset.item:nth-of-type({item}) label.choice", has_text=word).tap()


async def test_resident_votes_by_tapping_rows_on_a_phone(world, browser_page):
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    _, letters = await _open(world)
    await page.goto("/vote")
    await page.fill("input[name=code]", "WRONG-CODE-0")
    await page.click("button[type=submit]")
    await page.wait_for_selector("[role=alert]")

    # The letter's QR code opens /vote?code=…: the code is filled in, one tap continues.
    await page.goto(f"/vote?code={letters[0]['code']}")
    assert await page.input_value("input[name=code]") == letters[0]["code"]
    await page.screenshot(path=str(SHOTS / "vote-code-phone.png"), full_page=True)
    await page.locator("button[type=submit]", has_text="继续").tap()
    await page.wait_for_selector("text=分户供热改造")
    assert "1,200,000.00" in await page.content()
    rows = await page.evaluate(ROWS)
    assert [r["text"] for r in rows] == ["同意", "反对", "弃权"] * 2
    assert not any(r["checked"] for r in rows)  # nothing is chosen for the resident
    _assert_rows_read_well(rows, one_line_per_item=False)

    await _tap_row(page, 1, "同意")
    await _tap_row(page, 2, "弃权")
    await _tap_row(page, 2, "反对")  # a second tap moves the mark
    rows = await page.evaluate(ROWS)
    assert [(r["text"]) for r in rows if r["checked"]] == ["同意", "反对"]
    _assert_rows_read_well(rows, one_line_per_item=False)
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / "vote-ballot-phone.png"), full_page=True)

    await page.locator("#ballot button[type=submit]").tap()
    await page.wait_for_selector("#summary")
    summary = await page.inner_text("#summary")
    assert "分户供热改造 同意" in " ".join(summary.split()) and "加装电梯 反对" in " ".join(summary.split())
    assert await BallotSheet.count() == 0  # the summary casts nothing
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / "vote-confirm-phone.png"), full_page=True)

    await page.locator("#change").tap()  # back to the ballot: the choices are kept
    await page.wait_for_selector("#ballot")
    assert [r["text"] for r in await page.evaluate(ROWS) if r["checked"]] == ["同意", "反对"]
    await _tap_row(page, 2, "弃权")
    await page.locator("#ballot button[type=submit]").tap()
    await page.wait_for_selector("#summary")
    assert "加装电梯 弃权" in " ".join((await page.inner_text("#summary")).split())
    await page.locator("#cast").tap()
    receipt = await page.wait_for_selector("#receipt")
    assert "R" in await receipt.inner_text()
    assert page.url.endswith("/vote/receipt")  # a page of its own, not the POST's answer
    own = await page.inner_text("#own-ballot")
    assert "同意" in own and "弃权" in own and "您已表决" in own
    assert await CountedBallot.count() == 2 and await BallotSheet.count() == 1
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / "vote-receipt-phone.png"), full_page=True)
    # A reload shows the receipt again and casts nothing twice; Back then Forward neither.
    number = await receipt.inner_text()
    await page.reload()
    assert await page.inner_text("#receipt") == number
    await page.go_back()
    await page.go_forward()
    assert await page.inner_text("#receipt") == number
    assert await CountedBallot.count() == 2 and await BallotSheet.count() == 1


async def test_the_ballot_on_a_desk_puts_an_items_answers_on_one_line(world, browser, live_server):
    _, letters = await _open(world)
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **DESKTOP)
    page = await context.new_page()
    page.set_default_timeout(15000)
    await page.goto(f"/vote?code={letters[1]['code']}")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#ballot")
    await page.click("fieldset.item:nth-of-type(1) label.choice >> text=反对")
    await page.click("fieldset.item:nth-of-type(2) label.choice >> text=同意")
    _assert_rows_read_well(await page.evaluate(ROWS), one_line_per_item=True)
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / "vote-ballot-desktop.png"), full_page=True)
    await page.click("#ballot button[type=submit]")
    await page.wait_for_selector("#summary")
    await page.screenshot(path=str(SHOTS / "vote-confirm-desktop.png"), full_page=True)
    await context.close()


async def test_staff_enter_a_paper_ballot_and_a_second_person_confirms(world, browser, live_server):
    consultation_id, letters = await _open(world)

    first = await (await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)).new_page()
    await _log_in(first, "staff")
    await first.goto(f"/consultations/{consultation_id}")
    await first.fill("#paper-entry input[name=certificate_no]", letters[1]["certificate_no"])
    await first.locator("#paper-entry fieldset.item").nth(0).locator("label.choice", has_text="同意").tap()
    # The second item is left blank. The browser asks for it first (the radios are required); where it does not
    # (validation off, as in an old browser), the server refuses the sheet and says so beside the item.
    await first.click("#paper-entry button[type=submit]")
    assert await first.evaluate("document.querySelector('#paper-entry input[name^=item_]:invalid') !== null")
    await first.evaluate("document.querySelector('#paper-entry').noValidate = true")
    await first.click("#paper-entry button[type=submit]")
    await first.wait_for_selector("#paper-entry .field-error")
    assert "第 2 项" in await first.inner_text("#paper-entry .field-error")
    assert await first.input_value("#paper-entry input[name=certificate_no]") == letters[1]["certificate_no"]
    rows = await first.evaluate(ROWS)
    assert [r["text"] for r in rows if r["checked"]] == ["同意"]  # the first item's choice is kept
    _assert_rows_read_well(rows, one_line_per_item=False)
    assert await first.evaluate(NO_OVERFLOW)
    await first.screenshot(path=str(SHOTS / "paper-entry-refused-phone.png"), full_page=True)
    await first.locator("#paper-entry fieldset.item").nth(1).locator("label.choice", has_text="同意").tap()
    await first.click("#paper-entry button[type=submit]")
    await first.wait_for_selector("form.confirm")
    assert "另一名工作人员" in await first.content()
    assert await CountedBallot.count() == 0

    context = await browser.new_context(base_url=live_server, locale="zh-CN", **DESKTOP)
    second = await context.new_page()
    await _log_in(second, "manager")
    await second.goto(f"/consultations/{consultation_id}")
    for fieldset in await second.locator("form.confirm fieldset.item").all():
        await fieldset.locator("label.choice", has_text="同意").click()
    _assert_rows_read_well(await second.evaluate(ROWS), one_line_per_item=True)
    await second.screenshot(path=str(SHOTS / "paper-confirm-desktop.png"), full_page=True)
    await second.click("form.confirm button[type=submit]")
    await second.wait_for_selector("[role=status]")
    assert "已复核并计票" in await second.inner_text("[role=status]")
    assert await CountedBallot.count() == 2
    await first.context.close()
    await context.close()


async def test_a_closed_vote_says_so_on_the_phone(world, browser_page):
    page = browser_page
    consultation_id, letters = await _open(world)
    await services.close_consultation(SYSTEM, consultation_id)
    await page.goto(f"/vote?code={letters[2]['code']}")
    await page.locator("button[type=submit]", has_text="继续").tap()
    state = await page.wait_for_selector("#voting-state")
    assert "组织方已于" in await state.inner_text() and "提前结束表决" in await state.inner_text()
    assert await page.locator("#ballot").count() == 0
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / "vote-closed-phone.png"), full_page=True)
