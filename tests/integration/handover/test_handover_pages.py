"""Handover pages through HTTP: the schedule with its chart, the public batch page, the acceptance
checklist, the selection desk, the handover desk and the resident's own page; forms refuse bad input
beside the field they name."""

from __future__ import annotations

import datetime as dt
import re

from inspections import services as inspections
from inspections.tables import Photo
from tests.integration.inspections.helpers import png
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.handover import services
from tracker.handover.kinds import AcceptanceItem, ItemResult, Milestone
from tracker.handover.schemas import CheckIn, EntitlementIn, MilestoneIn, OrderIn, SlotsIn
from tracker.handover.tables import DeliveryBatch, HandoverRating, Selection, WarrantyClaim


def _form(client) -> dict:
    return {"_csrf_token": client.cookies.get("csrftoken", "")}


async def _completed(site) -> None:
    for unit in site.units:
        for item in AcceptanceItem:
            await services.record_check(site.actors["inspector"], unit, CheckIn(item=item, result=ItemResult.passed))
    await services.set_milestone(SYSTEM, site.building, MilestoneIn(
        milestone=Milestone.completion_accepted, actual_on=clock.today()))


async def _entitled(site, world, per_slot: int = 3) -> list[int]:
    """The three households, the resident's (张三) first in order, `per_slot` of them in a slot open now."""
    ids = []
    for i in range(3):
        ids.append((await services.entitle(SYSTEM, site.project, EntitlementIn(
            household_id=world.households[i], persons=3,
            signed_at=dt.datetime(2026, 6, 1 + i, tzinfo=dt.timezone.utc)))).id)
    await services.fix_order(SYSTEM, site.project, OrderIn())
    await services.make_slots(SYSTEM, site.project, SlotsIn(first_starts_at=clock.now() - dt.timedelta(minutes=10),
                                                           minutes=120, per_slot=per_slot))
    return ids


async def test_schedule_draws_the_timeline_with_rates_and_flags(site, client_for):
    today = clock.today()
    await services.set_milestone(SYSTEM, site.building, MilestoneIn(
        milestone=Milestone.topped_out, planned_on=today - dt.timedelta(days=60), actual_on=today - dt.timedelta(days=50)))
    await services.set_milestone(SYSTEM, site.building, MilestoneIn(
        milestone=Milestone.handed_over, planned_on=today + dt.timedelta(days=20),
        forecast_on=today + dt.timedelta(days=45)))
    await DeliveryBatch.update({DeliveryBatch.planned_on: today + dt.timedelta(days=20)}).where(
        DeliveryBatch.id == site.batch)
    for role in ("manager", "inspector", "staff", "finance"):
        page = await (await client_for(role)).get(f"/projects/{site.project}/handover")
        assert page.status_code == 200, (role, page.text[:300])
    text = page.text
    assert '<svg' in text and 'class="today"' in text and 'role="img"' in text
    assert text.count('class="mark planned"') == 2 and text.count('class="mark actual"') == 1
    assert 'class="mark forecast"' in text
    assert "timeline-data" in text and "第一批" in text and "A1栋" in text
    assert 'class="badge bad slipping"' in text and "25" in text  # forecast 25 days past the plan
    assert 'class="badge warn missing"' in text  # within 30 days, no acceptance recorded
    assert "0.0%" in text  # nothing handed over of 3 units
    assert f'/handover/units/{site.units[0]}/acceptance' in text
    contractor = await client_for("contractor")
    assert (await contractor.get(f"/projects/{site.project}/handover")).status_code == 403
    project = await (await client_for("manager")).get(f"/projects/{site.project}")
    assert f'href="/projects/{site.project}/handover"' in project.text


async def test_public_batch_page_shows_progress_without_households(site, world, client_for):
    await _completed(site)
    await _entitled(site, world)
    anonymous = await client_for(None)
    page = await anonymous.get(f"/public/handover/batches/{site.batch}")
    assert page.status_code == 200
    assert "第一批" in page.text and "<svg" in page.text and "A1栋" in page.text
    for private in ("张三", "李四", "沪房地", "A1栋 101"):
        assert private not in page.text
    assert (await anonymous.get("/public/handover/batches/999999")).status_code == 404


async def test_acceptance_checklist_records_items_and_a_failure_with_category_and_photo(site, client_for):
    inspector = await client_for("inspector")
    url = f"/handover/units/{site.units[0]}/acceptance"
    page = await inspector.get(url)
    assert page.status_code == 200
    assert page.text.count('type="radio"') == 18
    assert not re.search(r'type="radio"[^>]*checked', page.text)  # never pre-selected
    assert f'href="/handover/units/{site.units[1]}/acceptance"' in page.text  # the next unit
    category = (await inspections.list_categories())[0].code

    refused = await inspector.post(url, data={**_form(inspector), "result_1": "passed", "result_4": "failed",
                                              "note_4": "卫生间闭水渗漏"}, files={"photos_4": ("", b"", "")})
    assert refused.status_code == 422
    assert 'id="category_4-error"' in refused.text
    assert not (await services.get_acceptance(SYSTEM, site.units[0])).checks  # nothing written

    done = await inspector.post(url, data={
        **_form(inspector), "result_1": "passed", "result_2": "passed", "result_4": "failed",
        "note_4": "卫生间闭水渗漏", "category_4": category, "severity_4": "serious",
    }, files={"photos_4": ("leak.png", png(), "image/png")})
    assert done.status_code == 303, done.text[:500]
    result = await services.get_acceptance(SYSTEM, site.units[0])
    checks = {c.item: c for c in result.checks}
    assert checks[1].result == checks[2].result == "passed" and checks[3].result == "pending"
    assert checks[4].result == "failed" and checks[4].issue_id
    assert await Photo.count().where(Photo.issue == checks[4].issue_id) == 1
    shown = await inspector.get(url)
    assert f'/inspections/issues/{checks[4].issue_id}' in shown.text

    nothing = await inspector.post(url, data=_form(inspector))
    assert nothing.status_code == 422 and 'id="result_3-error"' not in nothing.text
    contractor = await client_for("contractor")
    assert (await contractor.get(url)).status_code == 200
    assert (await contractor.post(url, data=_form(contractor))).status_code == 403


async def test_desk_finds_a_household_shows_prices_and_selects_with_confirmation(site, world, client_for):
    await _completed(site)
    mine, second, third = await _entitled(site, world)
    staff = await client_for("staff")
    desk = f"/projects/{site.project}/handover/desk"
    found = await staff.get(desk, params={"q": "张三"})
    assert found.status_code == 200 and f"entitlement_id={mine}" in found.text
    offer = await staff.get(desk, params={"entitlement_id": mine})
    assert "150.00" in offer.text  # 3 persons × 50 m²
    # 160.50 m² is 10.50 over: ¥42,000.00; 142.27 is 7.73 under: refunded at 3,000; 181.00 is beyond 30 over.
    assert "¥42,000.00" in offer.text and "-¥23,190.00" in offer.text
    assert f'data-unit="{site.units[2]}"' not in offer.text
    confirm = await staff.get(desk, params={"entitlement_id": mine, "unit_id": site.units[0]})
    assert 'id="confirm-selection"' in confirm.text and 'id="confirm-total">¥42,000.00' in confirm.text
    chosen = await staff.post(desk, data={**_form(staff), "entitlement_id": mine, "unit_id": site.units[0]})
    assert chosen.status_code == 303
    after = await staff.get(chosen.headers["location"])
    assert 'id="selected"' in after.text and "¥42,000.00" in after.text

    taken = await staff.post(desk, data={**_form(staff), "entitlement_id": second, "unit_id": site.units[0]})
    assert taken.status_code == 409 and 'id="unit_id-error"' in taken.text and "500" not in str(taken.status_code)
    beyond = await staff.post(desk, data={**_form(staff), "entitlement_id": second, "unit_id": site.units[2]})
    assert beyond.status_code == 409 and 'id="unit_id-error"' in beyond.text and "31.00" in beyond.text
    empty = await staff.post(desk, data=_form(staff))
    assert empty.status_code == 422 and 'id="entitlement_id-error"' not in empty.text
    assert "户" in empty.text  # the household field named, in Chinese
    assert await Selection.count() == 1
    assert (await (await client_for("inspector")).get(desk)).status_code == 403


async def test_desk_refuses_a_household_outside_its_slot_beside_the_choice(site, world, client_for):
    await _completed(site)
    _, second, _ = await _entitled(site, world, per_slot=1)  # the second household is called in two hours
    staff = await client_for("staff")
    desk = f"/projects/{site.project}/handover/desk"
    page = await staff.get(desk, params={"entitlement_id": second})
    assert "不在时段内" in page.text
    refused = await staff.post(desk, data={**_form(staff), "entitlement_id": second, "unit_id": site.units[1]})
    assert refused.status_code == 409
    assert 'id="entitlement_id-error"' in refused.text and "现在不能选房" in refused.text
    assert await Selection.count() == 0


async def test_handover_desk_and_the_residents_own_page(site, world, client_for):
    await _completed(site)
    mine, _, _ = await _entitled(site, world)
    staff = await client_for("staff")
    desk = f"/projects/{site.project}/handover/desk"
    chosen = await staff.post(desk, data={**_form(staff), "entitlement_id": mine, "unit_id": site.units[0]})
    selection = int(re.search(r"selected=(\d+)", chosen.headers["location"]).group(1))
    today = clock.today()
    await DeliveryBatch.update({DeliveryBatch.appointments_from: today,
                                DeliveryBatch.appointments_to: today + dt.timedelta(days=30)}).where(
        DeliveryBatch.id == site.batch)
    from tracker.handover.schemas import AppointmentSlotIn
    slot = await services.add_appointment_slot(SYSTEM, site.batch, AppointmentSlotIn(
        starts_at=clock.day_start(today + dt.timedelta(days=2)) + dt.timedelta(hours=9), capacity=2))

    resident = await client_for("resident")
    home = await resident.get("/my/home")
    assert home.status_code == 200 and "A1栋 101" in home.text and "第一批" in home.text
    no_slot = await resident.post(f"/handover/selections/{selection}/appointment", data=_form(resident))
    assert no_slot.status_code == 422 and 'id="appointment_slot_id-error"' in no_slot.text
    booked = await resident.post(f"/handover/selections/{selection}/appointment",
                                 data={**_form(resident), "appointment_slot_id": slot.id})
    assert booked.status_code == 303
    assert 'id="booked"' in (await resident.get("/my/home")).text

    url = f"/handover/selections/{selection}/handover"
    page = await staff.get(url)
    assert page.status_code == 200 and 'id="handover-form"' in page.text
    unacknowledged = await staff.post(url, data={**_form(staff), "keys": "3"})
    assert unacknowledged.status_code == 422 and 'id="acknowledged-error"' in unacknowledged.text
    partless = await staff.post(url, data={**_form(staff), "keys": "3", "acknowledged": "1",
                                           "defect_description_1": "主卧墙面空鼓"})
    assert partless.status_code == 422 and 'id="defect_part_1-error"' in partless.text
    no_keys = await staff.post(url, data={**_form(staff), "keys": "", "acknowledged": "1"})
    assert no_keys.status_code == 422 and 'id="keys-error"' in no_keys.text and "交付钥匙" in no_keys.text
    handed = await staff.post(url, data={
        **_form(staff), "keys": "3", "acknowledged": "1", "surveyed_area": "161.20", "water_reading": "12.5",
        "defect_part_1": "fit_out", "defect_description_1": "主卧墙面空鼓"})
    assert handed.status_code == 303, handed.text[:500]
    record = await staff.get(url)
    assert 'id="record"' in record.text and "¥2,800.00" in record.text  # 0.70 m² more at 4,000
    assert await WarrantyClaim.count() == 1

    home = await resident.get("/my/home")
    assert 'id="record"' in home.text and "主卧墙面空鼓" in home.text and "¥2,800.00" in home.text
    partless = await resident.post(f"/handover/units/{site.units[0]}/claims",
                                   data={**_form(resident), "description": "厨房漏水"})
    assert partless.status_code == 422 and 'id="part-error"' in partless.text
    reported = await resident.post(f"/handover/units/{site.units[0]}/claims",
                                   data={**_form(resident), "part": "plumbing", "description": "厨房下水管漏水"})
    assert reported.status_code == 303
    home = await resident.get("/my/home")
    assert "厨房下水管漏水" in home.text and "保修期内" in home.text
    bad = await resident.post(f"/handover/selections/{selection}/rating",
                              data={**_form(resident), "service_score": "7", "quality_score": "4"})
    assert bad.status_code == 422 and 'id="service_score-error"' in bad.text
    rated = await resident.post(f"/handover/selections/{selection}/rating",
                                data={**_form(resident), "service_score": "5", "quality_score": "4",
                                      "comment": "交房顺利"})
    assert rated.status_code == 303 and await HandoverRating.count() == 1
    schedule = await (await client_for("manager")).get(f"/projects/{site.project}/handover")
    assert "33.3%" in schedule.text and "5.00" in schedule.text  # 1 of 3 units; the service average


async def test_resident_without_entitlement_and_others_households(site, world, client_for):
    resident = await client_for("resident")
    home = await resident.get("/my/home")
    assert home.status_code == 200 and 'id="not-entitled"' in home.text
    household = await resident.get(f"/households/{world.households[0]}")
    assert 'href="/my/home"' in household.text
    assert (await (await client_for("staff")).get("/my/home")).status_code == 403
