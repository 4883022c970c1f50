"""Finance at a desk (1366×900): records a payment on the project's spending page, a refused amount first,
and finds it in the month's funding report."""

import re
from pathlib import Path

from tests.browser.test_inspections_phone import login
from tests.integration.funding.helpers import allocate, make_line, make_source, ok
from tracker import clock

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def test_finance_records_spending_and_sees_it_in_the_monthly_report(world, browser, live_server, client_for):
    finance_api = await client_for("finance")
    source = await make_source(finance_api, world.project, arrive_fen=500_000_00)
    line = await make_line(finance_api, world.project, name="建安工程费")
    allocation = ok(await allocate(finance_api, world.project, source, line, 300_000_00))["id"]
    today = clock.today()

    context = await browser.new_context(base_url=live_server, locale="zh-CN", **DESKTOP)
    page = await context.new_page()
    page.set_default_timeout(15000)
    await login(page, "finance")
    await page.goto(f"/projects/{world.project}/funding")
    await page.click("#funding-nav >> text=资金支出")
    await page.wait_for_url(re.compile(r".*/funding/spending$"))
    assert await page.input_value("select[name=allocation_id]") == ""  # starts at 请选择
    await page.select_option("select[name=allocation_id]", str(allocation))
    await page.fill("input[name=amount]", "12,345.678")
    await page.fill("input[name=spent_on]", today.isoformat())
    await page.fill("input[name=payee]", "沪安建筑工程有限公司")
    await page.fill("input[name=voucher_no]", "记-1201")
    await page.fill("textarea[name=purpose]", "外墙保温第一期进度款")
    await page.click("#spending-form button[type=submit]")
    assert "两位小数" in await page.inner_text("#amount-error")
    assert await page.input_value("input[name=payee]") == "沪安建筑工程有限公司"  # what was typed stays
    await page.fill("input[name=amount]", "12,345.67")
    await page.click("#spending-form button[type=submit]")
    await page.wait_for_url(re.compile(r".*/funding/spending#spending-\d+$"))
    assert "12,345.67" in await page.inner_text("#spending-table")

    await page.click("#funding-nav >> text=资金月报")
    await page.wait_for_url(re.compile(rf".*/funding/report\?month={today:%Y-%m}$"))
    assert "记-1201" in await page.inner_text("#report-spending")
    assert "12,345.67" in await page.inner_text("#month-spending-total")
    assert "待填报" in await page.inner_text("#status")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "funding-report-desktop.png"), full_page=True)
    await page.click("#report-form button[value=submit]")
    await page.wait_for_url(re.compile(rf".*/funding/report\?month={today:%Y-%m}$"))
    assert "已提交" in await page.inner_text("#status")
    assert await page.locator("#report-form").count() == 0
    await context.close()
