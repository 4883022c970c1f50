"""Handover's daily jobs: the schedule check and the idle-unit monitor fire exactly when they should,
reach the project managers' digest (added to one already there), and a day's run happens once."""

from __future__ import annotations

import datetime as dt

from inspections.kinds import InboxKind
from inspections.tables import InboxMessage
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.handover import jobs, services
from tracker.handover.kinds import Milestone
from tracker.handover.schemas import HandoverIn, MilestoneIn, SelectIn
from tracker.jobs import run_job
from tests.integration.handover.test_handover_flow import NOW, _completed, _entitled

SCHEDULE, IDLE = jobs.jobs()


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.timezone.utc)  # 08:30 in Shanghai


async def _run(job, day: dt.date):
    with clock.frozen(at(day)):
        return await run_job(job, at(day))


async def _digests(user_id: int) -> list[dict]:
    return await InboxMessage.select().where(InboxMessage.user == user_id, InboxMessage.kind == InboxKind.digest.value)


async def test_schedule_check_flags_slippage_and_missing_prerequisites_within_30_days(site):
    manager, inspector = site.actors["manager"].id, site.actors["inspector"].id
    # Planned 2026-12-20; nothing forecast yet and 49 days to go: nothing to say.
    assert (await _run(SCHEDULE, dt.date(2026, 11, 1)))["findings"] == 0
    with clock.frozen(at(dt.date(2026, 11, 2))):
        await services.set_milestone(SYSTEM, site.building, MilestoneIn(
            milestone=Milestone.handed_over, planned_on=dt.date(2026, 12, 20), forecast_on=dt.date(2027, 1, 10)))
    summary = await _run(SCHEDULE, dt.date(2026, 11, 2))  # 48 days to go: slipping, prerequisites not yet due
    assert summary == {"projects": 1, "findings": 1, "digests": 1}
    [digest] = await _digests(manager)
    assert "第一批" in digest["body"] and "21" in digest["body"] and "2027-01-10" in digest["body"]
    assert await _digests(inspector) == []  # the managers' digest only
    assert await _run(SCHEDULE, dt.date(2026, 11, 2)) is None  # once a day
    with clock.frozen(at(dt.date(2026, 11, 2))):
        assert (await jobs.check_schedule(at(dt.date(2026, 11, 2))))["digests"] == 0  # the section is there already

    assert (await _run(SCHEDULE, dt.date(2026, 11, 19)))["findings"] == 1  # 31 days before: still only slippage
    summary = await _run(SCHEDULE, dt.date(2026, 11, 20))  # 30 days before: the prerequisites are due
    assert summary["findings"] == 2
    body = (await InboxMessage.select().where(InboxMessage.user == manager, InboxMessage.day == dt.date(2026, 11, 20)))[0]["body"]
    assert "A1栋" in body and "分户验收" in body and "竣工验收" in body

    with clock.frozen(at(dt.date(2026, 11, 21))):
        await services.set_milestone(SYSTEM, site.building, MilestoneIn(
            milestone=Milestone.handed_over, planned_on=dt.date(2026, 12, 20), forecast_on=dt.date(2026, 12, 18)))
    assert (await _run(SCHEDULE, dt.date(2026, 11, 21)))["findings"] == 1  # on time now; prerequisites still missing
    await _completed(site)  # every unit passed, 竣工验收 on 2026-12-10
    with clock.frozen(at(dt.date(2026, 12, 10))):
        await services.set_milestone(SYSTEM, site.building, MilestoneIn(
            milestone=Milestone.units_accepted, actual_on=dt.date(2026, 12, 10)))
    assert (await _run(SCHEDULE, dt.date(2026, 12, 11)))["findings"] == 0


async def test_idle_monitor_fires_from_the_idle_threshold_and_counts_what_is_not_handed_over(site, world):
    manager = site.actors["manager"].id
    await _completed(site)  # 竣工验收 2026-12-10; the terms' idle_days is 180
    mine, _, _ = await _entitled(site, world, earliest_first=True)
    with clock.frozen(NOW):
        selection = await services.select_unit(site.actors["staff"], SelectIn(entitlement_id=mine,
                                                                                unit_id=site.units[0]))
        await services.record_handover(site.actors["staff"], selection.id, HandoverIn(keys=2, acknowledged=True))
    await services.set_idle_reason(SYSTEM, site.units[2], "超面积无人选")
    # Existing digest of the day (the inspections one): the finding is added to it, not instead of it.
    await InboxMessage.insert(InboxMessage(user=manager, day=dt.date(2027, 6, 8), kind=InboxKind.digest.value,
                                           subject="整改提醒", body="#1 渗漏", issue_ids="1"))
    assert (await _run(IDLE, dt.date(2027, 6, 7)))["buildings"] == 0  # 179 days
    summary = await _run(IDLE, dt.date(2027, 6, 8))  # 180 days
    assert summary == {"projects": 1, "buildings": 1, "digests": 1}
    [digest] = [d for d in await _digests(manager) if d["day"] == dt.date(2027, 6, 8)]
    assert digest["subject"] == "整改提醒" and digest["body"].startswith("#1 渗漏")
    # Two units left (102: 142.27 m², 201: 181.00 m²), the handed-over 101 not counted.
    assert "2 " in digest["body"] and "323.27" in digest["body"] and "180" in digest["body"]
    assert "超面积无人选" in digest["body"] and "A1栋" in digest["body"] and "第一批" in digest["body"]
    assert await _run(IDLE, dt.date(2027, 6, 8)) is None
    with clock.frozen(at(dt.date(2027, 6, 8))):
        assert (await jobs.monitor_idle_units(at(dt.date(2027, 6, 8))))["digests"] == 0
    assert len([d for d in await _digests(manager) if d["day"] == dt.date(2027, 6, 8)]) == 1


def test_jobs_are_registered_after_the_inspections_digest():
    from tracker.plugin import scheduled_jobs

    names = [job.name for job in scheduled_jobs()]
    assert "handover.schedule_check" in names and "handover.idle_units" in names
    assert (SCHEDULE.cron["hour"], SCHEDULE.cron["minute"]) > (7, 0)


async def test_the_demo_holds_three_batches_a_lottery_an_idle_building_and_the_jobs_see_them(clean):
    from tracker.demo import HOUSING, load_demo
    from tracker.handover.tables import DeliveryBatch, Entitlement, HandoverRecord, Selection, Unit, WarrantyClaim
    from tracker.register.tables import Project

    await load_demo()
    housing = (await Project.select(Project.id).where(Project.code == HOUSING))[0]["id"]
    batches = {b["name"]: b["status"] for b in await DeliveryBatch.select().where(DeliveryBatch.project == housing)}
    assert sorted(batches.values()) == ["delivered", "in_acceptance", "planned"]
    assert await Unit.count().where(Unit.project == housing) == 440 + 1260 + 2658
    assert await Entitlement.count().where(Entitlement.lottery_no.is_not_null()) >= 1900
    assert 300 <= await Selection.count() <= 440 and await HandoverRecord.count() < await Selection.count()
    assert await WarrantyClaim.count() >= 5
    # Every selection is priced within the allowed overage and one unit goes to one household.
    assert len({s["unit"] for s in await Selection.select(Selection.unit)}) == await Selection.count()
    today = dt.date(2026, 12, 1)
    with clock.frozen(at(today)):
        schedule = await jobs.schedule_findings(today)
        idle = await jobs.idle_findings(today)
    [(_, lines)] = schedule.values()
    assert any("第三批" in line and "滞后" in line for line in lines)
    assert any("第二批" in line and "前置条件缺失" in line for line in lines)
    [(subject, lines)] = idle.values()
    assert "闲置房源" in subject and any("4号楼" in line and "110 套" in line and "周转房" in line for line in lines)
