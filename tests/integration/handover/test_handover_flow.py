"""From acceptance to keys: the gate on completion, entitlement, order, selection, price, handover,
warranty; on both engines (the selection race on PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from inspections import services as inspections
from inspections.kinds import RecheckResult
from inspections.schemas import NoticeIn, RecheckIn
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.audit.tables import AuditRecord
from tracker.errors import Conflict, Invalid
from tracker.handover import services
from tracker.handover.kinds import AcceptanceItem, ItemResult, Milestone, UnitStatus, WarrantyPart
from tracker.handover.schemas import (
    AppointmentIn,
    AppointmentSlotIn,
    CheckIn,
    ClaimIn,
    DefectNoted,
    EntitlementIn,
    HandoverIn,
    MilestoneIn,
    OrderIn,
    SelectIn,
    SlotsIn,
)
from tracker.handover.tables import Selection, Unit

NOW = dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Shanghai


async def _pass_all(actor, unit_id, *, except_item=None):
    for item in AcceptanceItem:
        if item is not except_item:
            await services.record_check(actor, unit_id, CheckIn(item=item, result=ItemResult.passed))


async def test_completion_waits_for_every_unit_and_a_failure_passes_when_its_issue_is_verified(site):
    inspector, contractor = site.actors["inspector"], site.actors["contractor"]
    category = (await inspections.list_categories())[0].code
    with clock.frozen(NOW):
        for unit in site.units[:2]:
            await _pass_all(inspector, unit)
        await _pass_all(inspector, site.units[2], except_item=AcceptanceItem.waterproofing)
        failed = await services.record_check(inspector, site.units[2], CheckIn(
            item=AcceptanceItem.waterproofing, result=ItemResult.failed, note="卫生间闭水试验渗漏",
            category=category))
        assert not failed.passed
        issue_id = next(c.issue_id for c in failed.checks if c.item == AcceptanceItem.waterproofing)
        with pytest.raises(Conflict) as refused:
            await services.set_milestone(SYSTEM, site.building, MilestoneIn(
                milestone=Milestone.completion_accepted, actual_on=dt.date(2026, 12, 10)))
        assert refused.value.rule == "units_not_accepted"
        assert refused.value.params == {"count": 1, "first": "201"}
        assert (await Unit.select(Unit.status).where(Unit.id == site.units[0]))[0]["status"] == "in_construction"
        await inspections.issue_notice(inspector, site.project, NoticeIn(
            issue_ids=[issue_id], subject="分户验收整改", content="见问题", deadline=dt.date(2026, 12, 17)))
        await inspections.submit_issue(contractor, issue_id, "已重做防水层并闭水48小时")
        await inspections.record_recheck(inspector, issue_id, RecheckResult.verified, RecheckIn(opinion="合格"))
        assert (await services.get_acceptance(inspector, site.units[2])).passed
        await services.set_milestone(SYSTEM, site.building, MilestoneIn(
            milestone=Milestone.completion_accepted, actual_on=dt.date(2026, 12, 10)))
    statuses = {r["status"] for r in await Unit.select(Unit.status)}
    assert statuses == {UnitStatus.available.value}


async def _completed(site):
    with clock.frozen(NOW):
        for unit in site.units:
            await _pass_all(site.actors["inspector"], unit)
        await services.set_milestone(SYSTEM, site.building, MilestoneIn(
            milestone=Milestone.completion_accepted, actual_on=dt.date(2026, 12, 10)))


async def _entitled(site, world, n=3, persons=3, earliest_first=False):
    ids = []
    for i in range(n):
        day = 1 + i if earliest_first else 1 + (n - i)
        entitlement = await services.entitle(SYSTEM, site.project, EntitlementIn(
            household_id=world.households[i], persons=persons,
            signed_at=dt.datetime(2026, 6, day, tzinfo=dt.timezone.utc)))
        ids.append(entitlement.id)
    await services.fix_order(SYSTEM, site.project, OrderIn())
    await services.make_slots(SYSTEM, site.project, SlotsIn(first_starts_at=NOW - dt.timedelta(minutes=10),
                                                           minutes=60, per_slot=2))
    return ids


async def test_selection_prices_the_unit_and_refuses_outside_the_rules(site, world):
    await _completed(site)
    first, second, third = await _entitled(site, world)
    # Signed later first: the third household signed earliest (1 June + 1 day).
    assert [e.id for e in await services.list_entitlements(SYSTEM, site.project)] == [third, second, first]
    staff = site.actors["staff"]
    with clock.frozen(NOW):
        chosen = await services.select_unit(staff, SelectIn(entitlement_id=third, unit_id=site.units[0]))
        assert chosen.quota_area == Decimal("150.00")
        assert chosen.price_difference_fen == 42_000_00  # 10.50 m² × 4,000
        with pytest.raises(Conflict) as taken:
            await services.select_unit(staff, SelectIn(entitlement_id=second, unit_id=site.units[0]))
        assert taken.value.rule == "unit_taken"
        with pytest.raises(Conflict) as beyond:  # 181.00 is 31 m² over 150
            await services.select_unit(staff, SelectIn(entitlement_id=second, unit_id=site.units[2]))
        assert beyond.value.rule == "overage_beyond_limit"
        with pytest.raises(Conflict) as early:  # the first household's slot is the next hour
            await services.select_unit(staff, SelectIn(entitlement_id=first, unit_id=site.units[1]))
        assert early.value.rule == "outside_slot"
        with pytest.raises(Conflict) as again:  # one unit each
            await services.select_unit(staff, SelectIn(entitlement_id=third, unit_id=site.units[1]))
        assert again.value.rule == "units_allowed"
    assert await Selection.count() == 1
    actions = [r["action"] for r in await AuditRecord.select(AuditRecord.action)]
    assert actions.count("handover.select") == 1


async def test_handover_trues_up_and_routes_defects_by_warranty(site, world):
    await _completed(site)
    mine, _, _ = await _entitled(site, world, earliest_first=True)  # the resident's household is the first
    with clock.frozen(NOW):
        selection = await services.select_unit(site.actors["staff"], SelectIn(entitlement_id=mine,
                                                                                unit_id=site.units[0]))
        slot = await services.add_appointment_slot(SYSTEM, site.batch, AppointmentSlotIn(
            starts_at=dt.datetime(2026, 12, 15, 1, tzinfo=dt.timezone.utc), capacity=1))
        with pytest.raises(Invalid):
            await services.add_appointment_slot(SYSTEM, site.batch, AppointmentSlotIn(
                starts_at=dt.datetime(2027, 1, 5, 1, tzinfo=dt.timezone.utc), capacity=1))
        await services.book(site.actors["resident"], selection.id, AppointmentIn(appointment_slot_id=slot.id))
        record = await services.record_handover(site.actors["staff"], selection.id, HandoverIn(
            keys=3, acknowledged=True, surveyed_area=Decimal("161.20"),
            defects=[DefectNoted(part=WarrantyPart.fit_out, description="主卧墙面空鼓")]))
    assert record.true_up_fen == 2_800_00  # 0.70 m² more at 4,000
    assert len(record.claims) == 1
    with clock.frozen(dt.datetime(2029, 1, 5, 2, tzinfo=dt.timezone.utc)):  # fit-out covered to 2028-12-09
        late = await services.report_claim(site.actors["resident"], site.units[0], ClaimIn(
            part=WarrantyPart.fit_out, description="厨房吊顶开裂"))
        roof = await services.report_claim(site.actors["resident"], site.units[0], ClaimIn(
            part=WarrantyPart.waterproofing, description="卫生间渗水到楼下"))
    assert not late.in_warranty and late.report_id is None
    assert roof.in_warranty and roof.report_id is not None
    assert "2031-12-09" in roof.reason


@pytest.mark.engines_only("postgres")
async def test_two_desks_choosing_one_unit_give_one_success_and_one_409(site, world):
    await _completed(site)
    _, second, third = await _entitled(site, world)
    staff = site.actors["staff"]
    with clock.frozen(NOW):
        results = await asyncio.gather(
            services.select_unit(staff, SelectIn(entitlement_id=third, unit_id=site.units[1])),
            services.select_unit(staff, SelectIn(entitlement_id=second, unit_id=site.units[1])),
            return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "SelectionOut"]
    assert await Selection.count() == 1
