"""Staff create a consultation with two items by clicking, on a desk (1366×900) and on a phone (390×844):
from the project's consultations, 新建征询, the first item, a second item added, then the consultation's page
with its "open voting" button. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import PHONE
from tests.support import PASSWORD
from tracker.consultations import services
from tracker.consultations.tables import Consultation

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SCREENS = {"desktop": {"viewport": {"width": 1366, "height": 900}}, "phone": PHONE}


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_staff_create_a_consultation_with_two_items_and_open_it(world, browser, live_server, screen):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **SCREENS[screen])
    page = await context.new_page()
    page.set_default_timeout(15000)
    try:
        await page.goto("/login")
        await page.fill("input[name=username]", "staff")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        await page.goto(f"/projects/{world.project}/consultations")
        await page.click("text=新建征询")
        await page.wait_for_selector("#draft-form")

        # Required choices start on 请选择 (the browser itself refuses to send them unchosen).
        for name in ("kind", "rule_key", "item_class"):
            assert await page.input_value(f"select[name={name}]") == ""
        await page.fill("input[name=title]", "梅园新村1号楼综合改造菜单")
        await page.select_option("select[name=kind]", "retrofit_menu")
        await page.select_option("select[name=rule_key]", "art278_major")
        await page.fill("input[name=opens_at]", "2026-12-15T09:00")
        await page.fill("input[name=closes_at]", "2026-12-01T17:00")
        await page.fill("textarea[name=description]", "屋面防水翻修")
        await page.select_option("select[name=item_class]", "safety")
        await page.fill("input[name=estimated_cost]", "1860000")
        # Closing before opening: refused by the service, beside its field, what was typed kept.
        await page.click("#draft-form button[type=submit]")
        error = await page.wait_for_selector("#closes_at-error")
        assert await error.is_visible()
        assert await page.input_value("input[name=title]") == "梅园新村1号楼综合改造菜单"
        await page.screenshot(path=str(SHOTS / f"consultation-new-refused-{screen}.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        assert await page.input_value("select[name=item_class]") == "safety"
        await page.fill("input[name=opens_at]", "2026-12-01T09:00")
        await page.fill("input[name=closes_at]", "2026-12-15T17:00")
        await page.click("#draft-form button[type=submit]")
        await page.wait_for_selector("#add-item")
        assert "草稿及第一个事项已保存" in await page.inner_text("main")

        await page.fill("#add-item textarea[name=description]", "加装电梯（每单元一部）")
        await page.select_option("#add-item select[name=item_class]", "upgrade")
        await page.fill("#add-item input[name=estimated_cost]", "2400000")
        await page.fill("#add-item input[name=resident_share]", "38000")
        await page.click("#add-item button[type=submit]")
        await page.wait_for_selector("#item-2")
        assert "事项已添加到列表末尾" in await page.inner_text("main")
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        await page.screenshot(path=str(SHOTS / f"consultation-draft-items-{screen}.png"), full_page=True)

        await page.click("text=完成：前往表决页面开始表决")
        await page.wait_for_selector("form[action$='/status/open'] button")
        await page.screenshot(path=str(SHOTS / f"consultation-draft-detail-{screen}.png"), full_page=True)
        await page.click("form[action$='/status/open'] button")
        await page.wait_for_load_state()
        cid = (await Consultation.select(Consultation.id).order_by(Consultation.id, ascending=False).first())["id"]
        c = await services.get_consultation(cid)
        assert c.status == "open" and [i.description for i in c.items] == ["屋面防水翻修", "加装电梯（每单元一部）"]
        await page.screenshot(path=str(SHOTS / f"consultation-opened-{screen}.png"), full_page=True)
    finally:
        await context.close()
