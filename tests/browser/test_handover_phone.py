"""In a browser: an inspector walks a unit's acceptance on a phone (taps pass on items, fails one with a
category and a photo, moves to the next unit), and staff select a unit for a household at the desk on a
desktop screen, seeing the price difference before confirming. Screenshots go to var/screenshots/."""

import datetime as dt
import io
import re
from decimal import Decimal

from PIL import Image

from inspections import services as inspections
from tests.support import PASSWORD
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.accounts.services import add_membership, load_actor
from tracker.handover import services
from tracker.handover.kinds import AcceptanceItem, ItemResult, Milestone, MissedSlot, OrderMethod
from tracker.handover.schemas import (
    AppointmentSlotIn,
    BatchIn,
    BuildingIn,
    CheckIn,
    EntitlementIn,
    HandoverIn,
    MilestoneIn,
    OrderIn,
    SelectIn,
    SlotsIn,
    TermsIn,
    UnitIn,
)
from tracker.handover.tables import DeliveryBatch, Selection
from tracker.register import services as register
from tracker.register.kinds import ProjectKind
from tracker.register.schemas import BuildingIn as RegisterBuildingIn, ProjectIn
from tracker.settings import ROOT

SHOTS = ROOT / "var" / "screenshots"
DESK = {"width": 1366, "height": 900}


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 90, 180)).save(out, format="JPEG")
    return {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


async def login(page, username: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def _site(world) -> tuple[int, int, list[int]]:
    project = (await register.create_project(SYSTEM, ProjectIn(code="R1", name="安置房一期",
                                                                kind=ProjectKind.resettlement_housing))).id
    for name in ("manager", "inspector", "staff"):
        await add_membership(SYSTEM, user_id=world.users[name], project_id=project)
    building = (await register.add_building(SYSTEM, project, RegisterBuildingIn(name="A1栋", floors=18))).id
    await services.set_terms(SYSTEM, project, TermsIn(
        quota_m2_per_person=Decimal("50"), base_price_fen=4_000_00, tier1_m2=Decimal("15"), tier2_m2=Decimal("30"),
        tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00, order_method=OrderMethod.signing,
        missed_slot=MissedSlot.to_end))
    batch = (await services.create_batch(SYSTEM, project, BatchIn(name="第一批", planned_on=clock.today()))).id
    await services.add_building(SYSTEM, batch, BuildingIn(building_id=building,
                                                          contractor_org_id=world.orgs["Builder Co"]))
    today = clock.today()
    await services.set_milestone(SYSTEM, building, MilestoneIn(
        milestone=Milestone.topped_out, planned_on=today - dt.timedelta(days=120), actual_on=today - dt.timedelta(days=100)))
    await services.set_milestone(SYSTEM, building, MilestoneIn(
        milestone=Milestone.handed_over, planned_on=today + dt.timedelta(days=20), forecast_on=today + dt.timedelta(days=50)))
    units = []
    for number, area in (("101", "160.50"), ("102", "142.27"), ("201", "181.00")):
        units.append((await services.add_unit(SYSTEM, project, UnitIn(
            building_id=building, number=number, layout="三室两厅", floor=int(number[0]),
            contract_area=Decimal(area)))).id)
    return project, building, units


async def test_unit_acceptance_on_a_phone(world, browser_page):
    project, _, units = await _site(world)
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    await login(page, "inspector")
    await page.goto(f"/handover/units/{units[0]}/acceptance")
    assert await page.locator("input[type=radio]:checked").count() == 0
    await page.screenshot(path=str(SHOTS / "handover-acceptance-phone.png"), full_page=True)
    # Nothing overflows the phone's width.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    for n in (1, 2, 3, 5, 6, 7, 8, 9):
        await page.locator(f"#item-{n} label.pass").tap()
    await page.locator("#item-4 label.fail").tap()
    category = page.locator("select[name=category_4]")
    assert await category.is_visible()  # the failure's details open when fail is tapped
    assert await category.input_value() == ""  # 请选择 first, never a default
    box = await page.locator("#item-4 label.fail").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # a large tap target
    await page.fill("textarea[name=note_4]", "卫生间闭水试验渗漏")
    await page.click("#save-checklist")
    await page.wait_for_load_state("networkidle")
    assert await page.locator("#category_4-error").is_visible()  # refused beside the field, nothing written
    await page.locator("#item-1 label.pass").tap()  # the refused form keeps the choices made
    await category.select_option((await inspections.list_categories())[0].code)
    await page.select_option("select[name=severity_4]", "general")  # never guessed: chosen like the category
    await page.locator("input[name=photos_4]").set_input_files(photo())
    await page.screenshot(path=str(SHOTS / "handover-acceptance-failure-phone.png"), full_page=True)
    await page.click("#save-checklist")
    await page.wait_for_url(re.compile(rf".*/handover/units/{units[0]}/acceptance.*"))
    await page.wait_for_selector("#result a[href^='/inspections/issues/']")
    result = await services.get_acceptance(SYSTEM, units[0])
    assert sum(c.result == ItemResult.passed for c in result.checks) == 8
    assert next(c for c in result.checks if c.item == 4).issue_id is not None
    await page.screenshot(path=str(SHOTS / "handover-acceptance-result-phone.png"), full_page=True)
    await page.click("#next-unit")
    await page.wait_for_url(re.compile(rf".*/handover/units/{units[1]}/acceptance$"))


async def test_selection_at_the_desk(world, browser, live_server):
    project, building, units = await _site(world)
    inspector = await load_actor(world.users["inspector"])
    for unit in units:
        for item in AcceptanceItem:
            await services.record_check(inspector, unit, CheckIn(item=item, result=ItemResult.passed))
    await services.set_milestone(SYSTEM, building, MilestoneIn(milestone=Milestone.completion_accepted,
                                                               actual_on=clock.today()))
    entitlement = (await services.entitle(SYSTEM, project, EntitlementIn(
        household_id=world.households[0], persons=3, signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))).id
    await services.fix_order(SYSTEM, project, OrderIn())
    await services.make_slots(SYSTEM, project, SlotsIn(first_starts_at=clock.now() - dt.timedelta(minutes=5),
                                                      minutes=120, per_slot=10))
    context = await browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESK)
    page = await context.new_page()
    page.set_default_timeout(15000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        await login(page, "staff")
        await page.goto(f"/projects/{project}/handover")
        assert await page.locator("#timeline-chart svg line.today").count() == 1
        await page.screenshot(path=str(SHOTS / "handover-schedule.png"), full_page=True)
        await page.click("#desk-link")
        await page.fill("input[name=q]", "张三")
        await page.press("input[name=q]", "Enter")
        await page.click(f"#found a[href$='entitlement_id={entitlement}']")
        await page.wait_for_selector("#offers")
        assert "150.00" in await page.inner_text("#quota")
        row = page.locator(f"#offers tr[data-unit='{units[0]}']")
        assert await row.locator(".price").inner_text() == "¥42,000.00"
        await page.screenshot(path=str(SHOTS / "handover-desk.png"), full_page=True)
        await row.locator("a.choose").click()
        await page.wait_for_selector("#confirm-selection")
        assert await page.inner_text("#confirm-total") == "¥42,000.00"
        await page.screenshot(path=str(SHOTS / "handover-desk-confirm.png"), full_page=True)
        await page.click("#confirm-selection")
        await page.wait_for_selector("#selected")
        assert "¥42,000.00" in await page.inner_text("#selected")
        await page.screenshot(path=str(SHOTS / "handover-desk-selected.png"), full_page=True)
        assert await Selection.count() == 1
        await page.click("#selected a")
        await page.wait_for_selector("#handover-form")
        await page.screenshot(path=str(SHOTS / "handover-handover-desk.png"), full_page=True)
    finally:
        await context.close()


async def test_resident_books_reports_a_defect_and_rates_on_a_phone(world, browser_page):
    project, building, units = await _site(world)
    inspector, staff = await load_actor(world.users["inspector"]), await load_actor(world.users["staff"])
    for unit in units:
        for item in AcceptanceItem:
            await services.record_check(inspector, unit, CheckIn(item=item, result=ItemResult.passed))
    await services.set_milestone(SYSTEM, building, MilestoneIn(milestone=Milestone.completion_accepted,
                                                               actual_on=clock.today()))
    entitlement = (await services.entitle(SYSTEM, project, EntitlementIn(
        household_id=world.households[0], persons=3, signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))).id
    await services.fix_order(SYSTEM, project, OrderIn())
    await services.make_slots(SYSTEM, project, SlotsIn(first_starts_at=clock.now() - dt.timedelta(minutes=5),
                                                      minutes=120, per_slot=10))
    selection = await services.select_unit(staff, SelectIn(entitlement_id=entitlement, unit_id=units[0]))
    batch = (await DeliveryBatch.select(DeliveryBatch.id).where(DeliveryBatch.project == project))[0]["id"]
    await DeliveryBatch.update({DeliveryBatch.appointments_from: clock.today(),
                                DeliveryBatch.appointments_to: clock.today() + dt.timedelta(days=14)}).where(
        DeliveryBatch.id == batch)
    slot = await services.add_appointment_slot(SYSTEM, batch, AppointmentSlotIn(
        starts_at=clock.day_start(clock.today() + dt.timedelta(days=3)) + dt.timedelta(hours=9), capacity=5))

    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    await login(page, "resident")
    await page.goto(f"/households/{world.households[0]}")
    await page.click("#my-home-link a")
    await page.wait_for_url(re.compile(r".*/my/home$"))
    await page.select_option("select[name=appointment_slot_id]", str(slot.id))
    await page.click("#appointment + .card button[type=submit]")
    await page.wait_for_selector("#booked")
    await page.screenshot(path=str(SHOTS / "handover-home-booked-phone.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    await services.record_handover(staff, selection.id, HandoverIn(keys=2, acknowledged=True,
                                                                   surveyed_area=Decimal("160.00")))
    await page.reload()
    await page.fill("#claim-form textarea[name=description]", "厨房下水管漏水")
    await page.click("#claim-form button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert await page.locator("#part-error").is_visible()  # the part is a required choice
    await page.select_option("#claim-form select[name=part]", "plumbing")
    await page.click("#claim-form button[type=submit]")
    await page.wait_for_selector("#claims + ul li .badge.ok")
    await page.locator("#rating-form input[name=service_score][value='5']").check()
    await page.locator("#rating-form input[name=quality_score][value='4']").check()
    await page.screenshot(path=str(SHOTS / "handover-home-handed-over-phone.png"), full_page=True)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.click("#rating-form button[type=submit]")
    await page.wait_for_selector("#rating + .notice")



async def test_contractor_walks_to_the_checklist_and_the_public_lists_fit_a_phone(world, browser, live_server):
    """The contractor follows links from home to a unit's checklist (no schedule on the way); the posted
    selection order and results read on a phone and a desktop. Screenshots at 390 and 1366 wide."""
    project, _, units = await _site(world)
    await add_membership(SYSTEM, user_id=world.users["contractor"], project_id=project)
    for household, persons in ((world.households[0], 3), (world.households[1], 2)):
        await services.entitle(SYSTEM, project, EntitlementIn(
            household_id=household, persons=persons, signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))
    await services.fix_order(SYSTEM, project, OrderIn())
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", {"width": 390, "height": 844}), ("desk", DESK)):
        context = await browser.new_context(base_url=live_server, locale="zh-CN", viewport=viewport)
        page = await context.new_page()
        try:
            await login(page, "contractor")
            await page.goto(f"/projects/{project}")
            await page.click(f"a[href='/projects/{project}/handover/acceptance']")
            await page.wait_for_selector("#acceptance-buildings")
            await page.screenshot(path=str(SHOTS / f"handover-acceptance-index-{name}.png"), full_page=True)
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await page.click(f"a[href='/handover/units/{units[0]}/acceptance']")
            await page.wait_for_url(re.compile(rf".*/handover/units/{units[0]}/acceptance$"))
            for kind in ("order", "results"):
                await page.goto(f"/public/handover/projects/{project}/selection-{kind}")
                await page.screenshot(path=str(SHOTS / f"handover-public-{kind}-{name}.png"), full_page=True)
                assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert await page.locator("#public-list td", has_text="张*").count() == 0  # nothing selected yet
            await page.goto(f"/public/handover/projects/{project}/selection-order")
            assert await page.locator("#public-list td", has_text="张*").count() == 1
        finally:
            await context.close()
