"""The payment chain in a browser: the contractor applies on a phone (390×844), the engineer reviews with a
cut, the chief inspector certifies at a desktop past the quality gate with a written reason, finance pays."""

import re

from tests.browser.test_inspections_phone import login
from tests.integration.inspections.helpers import file_issue
from tests.integration.payments.helpers import budget, create_contract
from tracker import clock

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


async def _fits(page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


async def test_apply_on_a_phone_certify_at_a_desk(world, browser_page, browser, live_server, client_for):
    manager, chief_api = await client_for("manager"), await client_for("chief")
    line, allocation = await budget(world.project)
    contract = await create_contract(manager, world, line)
    a, b = (i["id"] for i in contract["items"])

    page = browser_page
    await login(page, "contractor")
    await page.goto(f"/contracts/{contract['id']}")
    await _fits(page)
    await page.fill("#application-form input[name=period_start]", "2026-01-01")
    await page.fill("#application-form input[name=period_end]", "2026-01-31")
    await page.fill(f"input[name=q_{a}]", "200")
    await page.fill(f"input[name=q_{b}]", "500")
    await page.click("#application-form button[type=submit]")
    await page.wait_for_url(re.compile(r".*/payment-applications/\d+$"))
    application = int(page.url.rsplit("/", 1)[1])
    assert "待审核" in await page.inner_text("#application-status")
    await _fits(page)

    await login(page, "inspector")
    await page.goto(f"/payment-applications/{application}")
    await page.fill(f"input[name=a_{a}]", "180")
    await page.fill(f"input[name=r_{a}]", "超出实际完成量")
    await page.click("#review-form button[type=submit]")
    await page.wait_for_url(re.compile(rf".*/payment-applications/{application}$"))
    assert "140,000.00" in await page.inner_text("#approved")

    major = await file_issue(chief_api, world, severity="major", description="主体结构裂缝")
    desk = await browser.new_context(base_url=live_server, locale="zh-CN", **DESKTOP)
    chief = await desk.new_page()
    chief.set_default_timeout(15000)
    await login(chief, "chief")
    await chief.goto(f"/payment-applications/{application}")
    assert f"#{major['id']}" in await chief.inner_text("#gate-findings")
    assert "107,800.00" in await chief.inner_text("#preview")
    await chief.click("#certify-form button[type=submit]")
    assert f"#{major['id']}" in await chief.inner_text("p.error")
    await chief.fill("textarea[name=override_reason]", "裂缝经设计复核不影响结构安全")
    await chief.click("#certify-form button[type=submit]")
    await chief.wait_for_url(re.compile(r".*/payment-certificates/\d+$"))
    assert "P1-ZFZS-" in await chief.inner_text("h1")
    certificate = int(chief.url.rsplit("/", 1)[1])
    await desk.close()

    await login(page, "finance")
    await page.goto(f"/payment-certificates/{certificate}")
    await page.select_option("select[name=allocation_id]", str(allocation))
    await page.fill("input[name=voucher_no]", "记-001")
    await page.fill("input[name=paid_on]", clock.today().isoformat())
    await page.click("#payment-form button[type=submit]")
    await page.wait_for_url(re.compile(rf".*/payment-certificates/{certificate}$"))
    assert "107,800.00" in await page.inner_text("#paid")
    await _fits(page)
