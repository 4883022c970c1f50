"""Handover's daily jobs: the schedule check (batches slipping, prerequisites missing within 30 days of the
planned date) and the idle-unit monitor (units completed more than `idle_days` ago and not handed over).
Both send their findings to the project managers of the project in the day's digest.

The digest is the inbox's (`inspections.tables.InboxMessage`, one `digest` row per user and day): a
finding is a section appended to the manager's digest of the day, or a new digest when there is none.
These jobs run at 07:30, after the inspections digest (07:00, which inserts and never updates), so each
adds to the other rather than displacing it. A section already in the day's digest is not added twice,
and the job run (`job_run`, one per day) keeps a day's work to one run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from inspections.kinds import InboxKind
from inspections.tables import InboxMessage
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership
from tracker.db import transaction
from tracker.handover import services
from tracker.handover.kinds import BatchStatus, Milestone
from tracker.handover.tables import DeliveryBatch, HandoverTerms
from tracker.i18n import gettext
from tracker.jobs import Job

MISSING = {
    Milestone.units_accepted.value: "per-unit acceptance not complete",
    Milestone.completion_accepted.value: "completion acceptance not recorded",
}


async def _managers(project_ids: set[int]) -> dict[int, list[int]]:
    """The active project managers of each project."""
    if not project_ids:
        return {}
    rows = await Membership.select(Membership.project, Membership.user).where(
        Membership.project.is_in(sorted(project_ids)), Membership.user.active.eq(True),
        Membership.user.role == Role.project_manager.value)
    managers: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        managers[row["project"]].append(row["user"])
    return managers


async def _add_to_digest(user_id: int, day: dt.date, subject: str, lines: list[str]) -> bool:
    """Append a section (subject line, then its lines) to the user's digest of the day, or start one."""
    section = "\n".join([f"【{subject}】", *lines])
    rows = await InboxMessage.select(InboxMessage.id, InboxMessage.body).where(
        InboxMessage.user == user_id, InboxMessage.day == day, InboxMessage.kind == InboxKind.digest.value)
    if not rows:
        await InboxMessage.insert(InboxMessage(user=user_id, day=day, kind=InboxKind.digest.value, subject=subject,
                                               body=section, issue_ids="", created_at=clock.now()))
        return True
    if section in rows[0]["body"]:
        return False
    await InboxMessage.update({InboxMessage.body: rows[0]["body"] + "\n\n" + section}).where(
        InboxMessage.id == rows[0]["id"])
    return True


async def _send(findings: dict[int, tuple[str, list[str]]], today: dt.date) -> int:
    """Each project's finding to each of its managers, in one transaction."""
    managers = await _managers(set(findings))
    sent = 0
    async with transaction():
        for project_id, (subject, lines) in sorted(findings.items()):
            for user in managers.get(project_id, []):
                sent += await _add_to_digest(user, today, subject, lines)
    return sent


async def _digest(findings_of, now: dt.datetime, counted: str) -> dict:
    """A daily check: today's findings per project into the managers' digests; counts for the job log."""
    today = clock.day_of(now)
    findings = await findings_of(today)
    sent = await _send(findings, today)
    return {"projects": len(findings), counted: sum(len(lines) for _, lines in findings.values()), "digests": sent}


def _missing_text(entry: str) -> str:
    building, _, milestone = entry.rpartition(": ")
    return f"{building} {gettext(MISSING.get(milestone, milestone))}"


async def schedule_findings(today: dt.date) -> dict[int, tuple[str, list[str]]]:
    """Per project: the lines about batches that slip or lack prerequisites near their planned date."""
    projects = {r["project"] for r in await DeliveryBatch.select(DeliveryBatch.project).where(
        DeliveryBatch.status != BatchStatus.delivered.value)}
    findings = {}
    for project_id in sorted(projects):
        lines = []
        for batch in await services.list_batches(SYSTEM, project_id):
            if batch.status == BatchStatus.delivered.value:
                continue
            if batch.slipping_days > 0:
                lines.append(gettext("%(batch)s: planned %(planned)s, forecast %(forecast)s, %(days)s days late",
                                     batch=batch.name, planned=batch.planned_on.isoformat(),
                                     forecast=batch.forecast_on.isoformat(), days=batch.slipping_days))
            if batch.missing:
                lines.append(gettext("%(batch)s, planned %(planned)s (in %(days)s days): %(missing)s",
                                     batch=batch.name, planned=batch.planned_on.isoformat(),
                                     days=(batch.planned_on - today).days,
                                     missing="; ".join(_missing_text(m) for m in batch.missing)))
        if lines:
            findings[project_id] = (gettext("Delivery schedule: %(count)s findings", count=len(lines)), lines)
    return findings


async def check_schedule(now: dt.datetime) -> dict:
    """Daily: batches slipping and prerequisites missing within 30 days → the managers' digest."""
    return await _digest(schedule_findings, now, "findings")


async def idle_findings(today: dt.date) -> dict[int, tuple[str, list[str]]]:
    """Per project: idle units summed per building (units, area, days since completion, reasons)."""
    projects = sorted({r["project"] for r in await HandoverTerms.select(HandoverTerms.project)}
                      | {r["project"] for r in await DeliveryBatch.select(DeliveryBatch.project)})
    findings = {}
    for project_id in projects:
        idle = await services.idle_units(SYSTEM, project_id, today=today)
        if not idle:
            continue
        buildings: dict[tuple, list] = defaultdict(list)
        for unit in idle:
            buildings[(unit.batch or "", unit.building, unit.completed_on)].append(unit)
        lines = []
        for (batch, building, completed), units in sorted(buildings.items(), key=lambda kv: (kv[0][2], kv[0][1])):
            reasons = sorted({u.reason for u in units if u.reason})
            lines.append(gettext(
                "%(building)s (%(batch)s): %(units)s units, %(area)s m², completed %(completed)s, idle %(days)s days; "
                "reason: %(reason)s",
                building=building, batch=batch, units=len(units), area=f"{sum((u.area for u in units), Decimal(0)):.2f}",
                completed=completed.isoformat(), days=(today - completed).days,
                reason="; ".join(reasons) if reasons else gettext("none recorded")))
        total_area = sum((u.area for u in idle), Decimal(0))
        findings[project_id] = (gettext("Idle units: %(units)s units, %(area)s m² completed but not handed over",
                                        units=len(idle), area=f"{total_area:.2f}"), lines)
    return findings


async def monitor_idle_units(now: dt.datetime) -> dict:
    """Daily: units completed more than the project's idle_days ago and not handed over → the digest."""
    return await _digest(idle_findings, now, "buildings")


def jobs() -> list[Job]:
    # 07:30 in TIME_ZONE: after the inspections digest (07:00), which these add to.
    return [
        Job(name="handover.schedule_check", func=check_schedule, cron={"hour": 7, "minute": 30}),
        Job(name="handover.idle_units", func=monitor_idle_units, cron={"hour": 7, "minute": 35}),
    ]
