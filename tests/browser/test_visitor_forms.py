"""A visitor's refused form (log in, the voting code) comes back on its own page, which survives a refresh
and Back; the next form is accepted, including the one on the page Back returns to. Screenshots of the
refusals and the ballot receipt at 390×844 and 1366×900 go to var/screenshots/."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.test_consultations_phone import NO_OVERFLOW, SHOTS, _open
from tests.support import PASSWORD
from tracker.consultations.tables import BallotSheet

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


async def _page(browser, live_server, size):
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **SIZES[size])
    page = await context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_login_comes_back_on_the_login_page_and_the_next_try_logs_in(world, browser, live_server, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = await _page(browser, live_server, size)
    answers = []
    page.on("response", lambda r: answers.append((r.request.method, r.url.removeprefix(live_server), r.status)))
    await page.goto("/login?next=/projects")
    await page.fill("input[name=username]", "staff")
    await page.fill("input[name=password]", "not-the-password")
    await page.click("button[type=submit]")
    await page.wait_for_selector("[role=alert]")
    assert ("POST", "/login", 303) in answers and page.url.endswith("/login?next=/projects")
    assert await page.input_value("input[name=username]") == "staff"  # kept; the password is not
    assert await page.input_value("input[name=password]") == ""
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / f"login-refused-{size}.png"), full_page=True)
    await page.reload()  # the page survives a refresh (clean: the refusal was shown once)
    assert await page.locator("[role=alert]").count() == 0
    # Back to the page shown before the refusal: its form (token made before the session kept the refusal)
    # is accepted.
    await page.go_back()
    assert "/login" in page.url
    await page.fill("input[name=username]", "staff")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()
    assert not any(status == 403 for _, _, status in answers), answers
    assert page.url.endswith("/projects"), page.url
    await context.close()


@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_voting_code_comes_back_on_the_code_page_and_the_next_code_opens_the_ballot(
        world, browser, live_server, size):
    _, letters = await _open(world)
    context, page = await _page(browser, live_server, size)
    answers = []
    page.on("response", lambda r: answers.append((r.request.method, r.url.removeprefix(live_server), r.status)))
    await page.goto("/vote?code=WRONG-CODE-0")  # as a mistyped QR link would
    await page.click("button[type=submit]")
    await page.wait_for_selector("#code-error")
    assert ("POST", "/vote", 303) in answers and page.url.endswith("/vote")  # not the address holding the code
    assert await page.input_value("input[name=code]") == ""  # a refused code is not put back
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / f"vote-code-refused-{size}.png"), full_page=True)
    await page.reload()
    assert await page.locator("#code-error").count() == 0
    await page.go_back()  # the QR page shown before the refusal: its form is still accepted
    await page.fill("input[name=code]", letters[0]["code"])
    await page.click("button[type=submit]")
    await page.wait_for_selector("#ballot")
    assert not any(status == 403 for _, _, status in answers), answers
    for fieldset in await page.locator("#ballot fieldset.item").all():
        await fieldset.locator("label.choice", has_text="同意").click()
    await page.click("#ballot button[type=submit]")
    await page.wait_for_selector("#summary")
    await page.click("#cast")
    await page.wait_for_selector("#receipt")
    await page.reload()
    await page.wait_for_selector("#receipt")
    assert await BallotSheet.count() == 1
    assert await page.evaluate(NO_OVERFLOW)
    await page.screenshot(path=str(SHOTS / f"vote-receipt-{size}.png"), full_page=True)
    await context.close()
