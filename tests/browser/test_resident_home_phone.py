"""In a browser on a phone (390 × 844): the resident's home shows their household, the open vote with
its big button, and the way to report a defect, with nothing wider than the screen."""

from tests.browser.test_handover_phone import SHOTS, login
from tests.integration.consultations.helpers import draft
from tracker.accounts.actor import SYSTEM
from tracker.accounts.services import load_actor
from tracker.consultations import services as consultations
from tracker.consultations.schemas import ConsultationIn

import msgspec


async def test_resident_home_on_a_phone(world, browser_page):
    manager = await load_actor(world.users["manager"])
    created = await consultations.create_consultation(
        manager, world.project, msgspec.convert(draft(title="加装电梯表决"), ConsultationIn))
    await consultations.open_consultation(manager, created.id)
    page = browser_page
    await login(page, "resident")
    await page.goto("/my")
    await page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / "resident-home-phone.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    assert await page.locator("#household").get_by_text("沪房地静字(1998)第001号").is_visible()
    vote = page.locator(f"#vote-{created.id} a.big")
    assert await vote.is_visible()
    box = await vote.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big tappable button
    await vote.tap()
    await page.wait_for_url("**/vote")
    assert await page.locator("input[name=code]").is_visible()
