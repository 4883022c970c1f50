"""Staff make the voting letters of a roll from the consultation's page: the job's page shows the
progress, refreshes itself until the file is ready and then offers the download, on a phone and a
desktop. Screenshots go to var/screenshots/."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.browser.conftest import PHONE
from tests.support import PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.consultations import services
from tracker.consultations.kinds import ConsultationKind, ItemClass, Scope
from tracker.consultations.schemas import ConsultationIn, ItemIn

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


async def test_staff_make_the_letters_in_the_background_and_download_them(world, browser, live_server):
    now = dt.datetime.now(dt.timezone.utc)
    c = await services.create_consultation(SYSTEM, world.project, ConsultationIn(
        title="梅园新村改造菜单（第一轮）", kind=ConsultationKind.retrofit_menu, rule_key="art278_major",
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7), scope=Scope.building,
        building_id=world.building, organiser="梅园新村居委会", contact_phone="021-6321 4567",
        items=[ItemIn(description="分户供热改造", item_class=ItemClass.basic, estimated_cost=Decimal("1200000"))],
    ))
    await services.open_consultation(SYSTEM, c.id)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        context = await browser.new_context(base_url=live_server, locale="zh-CN", **size)
        page = await context.new_page()
        page.set_default_timeout(60000)
        await page.goto("/login")
        await page.fill("input[name=username]", "staff")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        await page.goto(f"/consultations/{c.id}")
        await page.click("#voting-letters button[type=submit]")
        await page.wait_for_url("**/exports/*")
        assert await page.locator("progress").count() == 1
        # No script: the page reloads itself until the download is there.
        download_link = await page.wait_for_selector("#export-download", timeout=120000)
        assert "已完成" in await page.inner_text("#export-job")
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        await page.screenshot(path=str(SHOTS / f"letters-job-{name}.png"), full_page=True)
        async with page.expect_download() as download:
            await download_link.click()
        assert (await download.value).suggested_filename == f"consultation-{c.id}-letters.pdf"
        await page.goto(f"/consultations/{c.id}")
        assert await page.locator("#voting-letters a[href^='/exports/']").count() >= 1
        await page.locator("#voting-letters").screenshot(path=str(SHOTS / f"letters-on-detail-{name}.png"))
        await context.close()
