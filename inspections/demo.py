"""Demo quality supervision (called once from tracker/demo.py load_demo, inside its transaction): on the
retrofit estate, issues in every state (open, on a notice, reported fixed, verified, voided), a notice
closed because every issue on it was verified and one still open, a stop-work order resumed through the
full application chain and one in force.

Everything goes through the services, with the clock set back to the day each step happened, so the
audit log, the document numbers and the ball-in-court dates read as three weeks of real work."""

from __future__ import annotations

import datetime as dt

from inspections import services
from inspections.kinds import IssueKind, RecheckResult, Severity, StopCause, StopScope
from inspections.schemas import (
    IssueIn,
    NoticeIn,
    OpinionIn,
    RecheckIn,
    ReplyIn,
    ReplyItemIn,
    ResumptionApplyIn,
    ResumptionOrderIn,
    StopWorkIn,
)
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.register.tables import Building

# (days ago filed, building number, kind, category, severity, part, location, description)
ISSUES = (
    (20, 1, IssueKind.quality, "leak_roof", Severity.serious, "屋面", "1号楼屋面东侧", "屋面防水卷材搭接不足，雨后顶层渗水"),
    (20, 1, IssueKind.quality, "hollowing", Severity.general, "外墙", "1号楼北立面 3–4 层", "外墙保温层空鼓，敲击面积约 2 ㎡"),
    (9, 2, IssueKind.safety, "missing_protection", Severity.serious, "脚手架", "2号楼南侧脚手架", "脚手架作业层未满铺脚手板，临边无挡脚板"),
    (9, 2, IssueKind.quality, "leak_window", Severity.general, "门窗", "2号楼 2-302 南卧", "新换外窗窗框与墙体间打胶不连续，渗水"),
    (3, 3, IssueKind.quality, "crack_masonry", Severity.general, "楼梯间", "3号楼 2 单元 4 层楼梯间", "楼梯间墙面砌体裂缝，宽约 0.5 mm"),
    (2, 3, IssueKind.safety, "railing", Severity.general, "楼梯", "3号楼 1 单元", "楼梯扶手立杆松动"),
)


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    """A moment `days_ago` days before today, at `hour` local time (the clock is set to it for one step)."""
    day = clock.today() - dt.timedelta(days=days_ago)
    return clock.from_local(dt.datetime.combine(day, dt.time(hour)))


async def load(project_id: int, contractor_org: int, inspector: Actor, chief: Actor, contractor: Actor,
               manager: Actor) -> dict[str, int]:
    """The retrofit estate's supervision record; answers how many of each thing it holds."""
    buildings = {int(r["name"].removesuffix("号楼")): r["id"] for r in
                 await Building.select(Building.id, Building.name).where(Building.project == project_id)}
    issues = []
    for days, building, kind, category, severity, part, location, description in ISSUES:
        with clock.frozen(_at(days, 9)):
            issue = await services.file_issue(inspector, project_id, IssueIn(
                kind=kind, category=category, severity=severity, description=description,
                responsible_org_id=contractor_org, deadline=clock.today() + dt.timedelta(days=7),
                building_id=buildings[building], part=part, location=location))
        issues.append(issue.id)
    roof, render, scaffold, window, crack, railing = issues

    # A notice whose two issues were fixed, rechecked and verified: it closed by itself.
    with clock.frozen(_at(19)):
        closed = await services.issue_notice(inspector, project_id, NoticeIn(
            issue_ids=[roof, render], subject="1号楼屋面及外墙保温质量问题整改",
            content="经巡视检查，1号楼屋面防水及外墙保温存在下列质量问题，请按要求整改并回复。",
            deadline=clock.today() + dt.timedelta(days=7), requirements="整改完成后附整改前后照片回复。"))
    with clock.frozen(_at(14, 16)):
        await services.submit_reply(contractor, closed.id, ReplyIn(items=[
            ReplyItemIn(issue_id=roof, explanation="已返工屋面卷材搭接，闭水试验 24 小时无渗漏"),
            ReplyItemIn(issue_id=render, explanation="已凿除空鼓部位并重新粘贴保温板")], statement="整改完毕，请复查。"))
    with clock.frozen(_at(12, 11)):
        for issue in (roof, render):
            await services.record_recheck(inspector, issue, RecheckResult.verified, RecheckIn(opinion="复查合格，同意销号。"))

    # A notice still open: one issue reported fixed and waiting for the recheck, one being rectified.
    with clock.frozen(_at(8)):
        await services.issue_notice(inspector, project_id, NoticeIn(
            issue_ids=[scaffold, window], subject="2号楼脚手架安全防护及外窗渗水整改",
            content="2号楼脚手架作业层防护不到位，外窗打胶存在渗水，请立即整改。",
            deadline=clock.today() + dt.timedelta(days=10)))
    with clock.frozen(_at(2, 15)):
        await services.submit_issue(contractor, scaffold, "作业层已满铺脚手板并加设挡脚板")
    # The crack stays open (no notice yet); the railing was filed in error.
    with clock.frozen(_at(1, 17)):
        await services.void_issue(inspector, railing, "重复登记：与扶手维修专项整改为同一问题")

    # Stop-work on 5号楼, resumed through the contractor's application, the chief's review and the owner's approval.
    with clock.frozen(_at(18, 14)):
        resumed = await services.issue_stop_work(chief, project_id, StopWorkIn(
            addressed_org_id=contractor_org, scope=StopScope.building, building_id=buildings[5],
            cause=StopCause.mandatory_standard_breach, effective_at=clock.now(),
            cause_details="5号楼外墙保温材料进场未经见证取样复验即行施工。",
            requirements="暂停外墙保温施工，完成见证取样复验并报审后方可申请复工。",
            owner_consent_by="周建华", owner_consent_at=clock.now() - dt.timedelta(hours=2)))
    with clock.frozen(_at(13, 10)):
        stopped = await services.apply_for_resumption(contractor, resumed.id, ResumptionApplyIn(
            statement="保温材料复验合格（报告编号 FY-2026-118），已报审。", proposed_date=clock.today() + dt.timedelta(days=2)))
    application = stopped.applications[-1].id
    with clock.frozen(_at(12, 15)):
        await services.review_resumption(chief, application, OpinionIn(opinion="复验合格，同意复工。"))
    with clock.frozen(_at(11, 9)):
        await services.approve_resumption(manager, application, OpinionIn(opinion="同意。"))
    with clock.frozen(_at(11, 14)):
        await services.issue_resumption_order(chief, resumed.id, ResumptionOrderIn(resume_at=clock.now()))

    # Stop-work on 2号楼's scaffold, in force: its linked issue is not verified yet.
    with clock.frozen(_at(2, 16)):
        await services.issue_stop_work(chief, project_id, StopWorkIn(
            addressed_org_id=contractor_org, scope=StopScope.building, building_id=buildings[2], part="脚手架作业",
            cause=StopCause.major_hazard, effective_at=clock.now(), emergency=True, issue_ids=[scaffold],
            cause_details="脚手架作业层临边防护缺失，存在高处坠落重大隐患。",
            requirements="立即停止脚手架上作业，完成整改并经复查合格后申请复工。"))
    return {"issues": len(issues), "notices": 2, "stop_work_orders": 2}
