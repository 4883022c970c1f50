"""A resident votes on a phone with the code from the letter; staff enter a paper ballot and a second
staff member confirms it."""

import datetime as dt
from decimal import Decimal

from tests.support import PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.consultations import services
from tracker.consultations.kinds import ConsultationKind, ItemClass, Scope
from tracker.consultations.schemas import ConsultationIn, ItemIn
from tracker.consultations.tables import CountedBallot


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


async def test_resident_votes_with_the_code_on_a_phone(world, browser_page):
    page = browser_page
    _, letters = await _open(world)
    await page.goto("/vote")
    await page.fill("input[name=code]", "WRONG-CODE-0")
    await page.click("button[type=submit]")
    await page.wait_for_selector("[role=alert]")
    await page.fill("input[name=code]", letters[0]["code"].lower())
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=分户供热改造")
    assert "1,200,000.00" in await page.content()
    await page.check("fieldset.item:nth-of-type(1) input[value=agree]")
    await page.check("fieldset.item:nth-of-type(2) input[value=oppose]")
    # Fits the phone: no sideways scrolling.
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    await page.click("form[action='/vote/cast'] button[type=submit]")
    receipt = await page.wait_for_selector("#receipt")
    assert "R" in await receipt.inner_text()
    assert "同意" in await page.inner_text("#own-ballot") and "反对" in await page.inner_text("#own-ballot")
    assert await CountedBallot.count() == 2


async def test_staff_enter_a_paper_ballot_and_a_second_person_confirms(world, browser, live_server):
    consultation_id, letters = await _open(world)
    from tests.browser.conftest import PHONE

    first = await (await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)).new_page()
    await _log_in(first, "staff")
    await first.goto(f"/consultations/{consultation_id}")
    await first.fill("#paper-entry input[name=certificate_no]", letters[1]["certificate_no"])
    for radio in await first.query_selector_all("#paper-entry input[value=agree]"):
        await radio.check()
    await first.click("#paper-entry button[type=submit]")
    await first.wait_for_selector("form.confirm")
    assert "另一名工作人员" in await first.content()
    assert await CountedBallot.count() == 0

    second = await (await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)).new_page()
    await _log_in(second, "manager")
    await second.goto(f"/consultations/{consultation_id}")
    for radio in await second.query_selector_all("form.confirm input[value=agree]"):
        await radio.check()
    await second.click("form.confirm button[type=submit]")
    await second.wait_for_selector("[role=status]")
    assert "已复核并计票" in await second.inner_text("[role=status]")
    assert await CountedBallot.count() == 2
    await first.context.close()
    await second.context.close()
