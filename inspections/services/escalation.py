"""The daily escalation: overdue issues are marked; whoever holds the ball gets one digest a day (never
one message per issue); issues overdue beyond ESCALATE_AFTER_DAYS or rejected twice go to the chief
inspector with a suggestion to stop work, once per issue; so does an emergency stop whose written report
to the owner is overdue. The day's inbox is then mailed (`inbox.mail_inboxes`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict

from inspections import workflow
from inspections.kinds import Ball, InboxKind, StopStatus
from inspections.services.common import RESOLVED
from inspections.services.inbox import deliver, mail_inboxes
from inspections.tables import Issue, StopWorkOrder
from tracker import clock
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership
from tracker.db import transaction


REJECTIONS_TO_ESCALATE = 2


def escalate_after_days() -> int:
    return int(os.environ.get("INSPECTIONS_ESCALATE_AFTER_DAYS", "7"))


async def _people(project_ids: set[int]) -> dict[tuple[int, int, str], list[int]]:
    """Active users by (project, organisation, role) among the members of the given projects."""
    if not project_ids:
        return {}
    rows = await Membership.select(
        Membership.project, Membership.user, Membership.user.organisation.as_alias("org"),
        Membership.user.role.as_alias("role"),
    ).where(Membership.project.is_in(list(project_ids)), Membership.user.active.eq(True))
    people: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for r in rows:
        if r["org"] is not None:
            people[(r["project"], r["org"], r["role"])].append(r["user"])
    return people


def _line(issue: dict, today: dt.date) -> str:
    late = (today - issue["deadline"]).days
    where = " ".join(p for p in [issue["part"], issue["location"]] if p)
    state = f"逾期 {late} 天" if late > 0 else f"期限 {issue['deadline'].isoformat()}"
    return f"#{issue['id']} {where} {issue['description'][:40]}（{state}）"


async def run_escalation(now: dt.datetime) -> dict:
    today = clock.day_of(now)
    async with transaction():
        marked = await Issue.update({Issue.overdue: True}).where(
            Issue.status.not_in(list(RESOLVED)), Issue.deadline < today, Issue.overdue.eq(False)
        ).returning(Issue.id)
        await Issue.update({Issue.overdue: False}).where(
            Issue.overdue.eq(True), (Issue.deadline >= today) | Issue.status.is_in(list(RESOLVED))
        )
    # Digest: overdue issues and those due within two days, to whoever holds the ball.
    soon = today + dt.timedelta(days=2)
    issues = await Issue.select(
        Issue.id, Issue.project, Issue.status, Issue.deadline, Issue.part, Issue.location, Issue.description,
        Issue.responsible_org, Issue.inspecting_org, Issue.rejections, Issue.escalated_at,
    ).where(Issue.status.not_in(list(RESOLVED)), Issue.deadline <= soon).order_by(Issue.id)
    people = await _people({i["project"] for i in issues})
    digests: dict[int, list[dict]] = defaultdict(list)
    for issue in issues:
        holder = workflow.ball(issue["status"])
        if holder is Ball.contractor:
            users = people.get((issue["project"], issue["responsible_org"], Role.contractor.value), [])
        elif holder is Ball.inspecting:
            users = people.get((issue["project"], issue["inspecting_org"], Role.inspector.value), []) or people.get(
                (issue["project"], issue["inspecting_org"], Role.chief_inspector.value), [])
        else:
            users = []
        for user in users:
            digests[user].append(issue)
    # Other domains' lines (funding alerts …) join the same digest: tracker.registry.digest_sources().
    from tracker.registry import digest_sources

    others: dict[int, list[tuple[str, list[str]]]] = defaultdict(list)
    for source in digest_sources():
        for user, part in (await source(today)).items():
            others[user].append(part)
    sent = 0
    async with transaction():
        for user in sorted(set(digests) | set(others)):
            items = digests.get(user, [])
            late = sum(1 for i in items if i["deadline"] < today)
            subjects = [f"整改提醒：{late} 项已逾期，{len(items) - late} 项即将到期"] if items else []
            subject = "；".join(subjects + [s for s, _ in others.get(user, [])])[:255]
            lines = [_line(i, today) for i in items] + [line for _, part in others.get(user, []) for line in part]
            sent += await deliver(user, today, InboxKind.digest, subject, lines, [i["id"] for i in items])
    # Escalation to the chief inspector, once per issue.
    limit = today - dt.timedelta(days=escalate_after_days())
    to_escalate = [
        i for i in issues
        if i["escalated_at"] is None and (i["deadline"] < limit or i["rejections"] >= REJECTIONS_TO_ESCALATE)
    ]
    rejected_twice = await Issue.select(
        Issue.id, Issue.project, Issue.status, Issue.deadline, Issue.part, Issue.location, Issue.description,
        Issue.responsible_org, Issue.inspecting_org, Issue.rejections, Issue.escalated_at,
    ).where(Issue.status.not_in(list(RESOLVED)), Issue.rejections >= REJECTIONS_TO_ESCALATE,
            Issue.escalated_at.is_null(), Issue.deadline > soon)
    to_escalate += rejected_twice
    if to_escalate:
        people.update(await _people({i["project"] for i in to_escalate}))
    chiefs: dict[int, list[dict]] = defaultdict(list)
    for issue in to_escalate:
        for user in people.get((issue["project"], issue["inspecting_org"], Role.chief_inspector.value), []):
            chiefs[user].append(issue)
    # Emergency stops whose written report to the owner (§6.2.3) is overdue go to the chief who signed them.
    late_reports: dict[int, list[str]] = defaultdict(list)
    for order in await StopWorkOrder.select(
        StopWorkOrder.number_text, StopWorkOrder.issued_by, StopWorkOrder.report_due_at
    ).where(StopWorkOrder.emergency.eq(True), StopWorkOrder.report_submitted_at.is_null(),
            StopWorkOrder.report_due_at < now, StopWorkOrder.status == StopStatus.in_force.value):
        due = clock.local(order["report_due_at"]).strftime("%Y-%m-%d %H:%M")
        late_reports[order["issued_by"]].append(
            f"工程暂停令 {order['number_text']} 的书面报告应于 {due} 前报送建设单位，尚未登记。")
    escalated = 0
    async with transaction():
        for user in sorted(set(chiefs) | set(late_reports)):
            items = chiefs.get(user, [])
            lines = [_line(i, today) + (f"，已退回 {i['rejections']} 次" if i["rejections"] else "") for i in items]
            if items:
                lines.append("建议：评估是否签发工程暂停令（GB/T 50319-2013 第6.2.2条）。")
            lines += late_reports.get(user, [])
            subject = f"升级提醒：{len(items)} 项问题需总监处理" if items else "提醒：暂停令书面报告逾期"
            await deliver(user, today, InboxKind.escalation, subject, lines, [i["id"] for i in items])
        if to_escalate:
            ids = [i["id"] for i in to_escalate]
            await Issue.update({Issue.escalated_at: now}).where(Issue.id.is_in(ids))
            escalated = len(ids)
    mailed = await mail_inboxes(today)
    return {"marked_overdue": len(marked), "digests": sent, "escalated": escalated, **mailed}
