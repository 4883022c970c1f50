"""The daily escalation job and the in-app inbox it fills.

Overdue issues are marked; whoever holds the ball gets one digest a day (never one message per issue);
issues overdue beyond ESCALATE_AFTER_DAYS or rejected twice go to the chief inspector with a suggestion
to stop work, once per issue; so does an emergency stop whose written report to the owner is overdue.
When SMTP is configured, each user with an e-mail address also gets the day's inbox by mail, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
from collections import defaultdict

from inspections import workflow
from inspections.kinds import Ball, InboxKind, StopStatus
from inspections.schemas import InboxOut
from inspections.services import RESOLVED
from inspections.tables import InboxMail, InboxMessage, Issue, MailStatus, StopWorkOrder
from tracker import clock
from tracker import mail
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership, User
from tracker.db import transaction
from tracker.errors import NotFound
from tracker.i18n import current_locale, gettext, pick_locale
from tracker.jobs import Job
from tracker.settings import Settings, get_settings

log = logging.getLogger("inspections.jobs")

REJECTIONS_TO_ESCALATE = 2
# A mail that failed is tried again by later runs until the day after; by then a newer digest
# replaces it, and an older one would only repeat stale news.
MAIL_RETRY_DAYS = 1
_ISSUE_LINE = re.compile(r"^#(\d+) ")  # the lines `_line` writes start with the issue number


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


async def _deliver(user_id: int, day: dt.date, kind: InboxKind, subject: str, lines: list[str],
                   issue_ids: list[int]) -> bool:
    """Insert the user's message for the day unless it exists: the unique row keeps it to one."""
    inserted = await InboxMessage.raw(
        "INSERT INTO inbox_message (\"user\", day, kind, subject, body, issue_ids, created_at, emailed) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING id",
        user_id, day, kind.value, subject, "\n".join(lines), ",".join(str(i) for i in sorted(issue_ids)),
        clock.now(), False,
    )
    return bool(inserted)


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
    # Other domains' lines (funding alerts) join the same digest: tracker.plugin.digest_sources().
    from tracker.plugin import digest_sources
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
            sent += await _deliver(user, today, InboxKind.digest, subject, lines, [i["id"] for i in items])
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
            await _deliver(user, today, InboxKind.escalation, subject, lines, [i["id"] for i in items])
        if to_escalate:
            ids = [i["id"] for i in to_escalate]
            await Issue.update({Issue.escalated_at: now}).where(Issue.id.is_in(ids))
            escalated = len(ids)
    mailed = await mail_inboxes(today)
    return {"marked_overdue": len(marked), "digests": sent, "escalated": escalated, **mailed}


def _inbox_mail_text(messages: list[dict], day: dt.date, settings: Settings) -> tuple[str, str]:
    """Subject and body of one user's mail for one day: the day's inbox messages, each issue linked."""
    subject = functools.reduce(
        lambda first, second: gettext("%(first)s; %(second)s", first=first, second=second),
        [m["subject"] for m in messages],
    )
    lines = [gettext("Hello %(name)s,", name=messages[0]["name"]), "",
             gettext("Your rectification reminders for %(day)s:", day=day.isoformat()), ""]
    for message in messages:
        lines.append(message["subject"])
        issue_ids = {i for i in message["issue_ids"].split(",") if i}
        for line in message["body"].splitlines():
            lines.append("  " + line)
            number = _ISSUE_LINE.match(line)
            if number and number.group(1) in issue_ids:
                lines.append(f"    {settings.public_base_url}/inspections/issues/{number.group(1)}")
        lines.append("")
    lines += [
        gettext("Open the tracker: %(url)s", url=settings.public_base_url + "/"),
        "",
        gettext("This message is sent automatically, at most once a day; please do not reply."),
        gettext("To stop these e-mails, ask an administrator to remove your e-mail address."),
    ]
    return gettext("[Tracker] %(day)s %(subject)s", day=day.isoformat(), subject=subject), "\n".join(lines) + "\n"


async def _claim_mail(user: int, day: dt.date, recipient: str) -> bool:
    """Take the (user, day) mail for this run: a new row, or a failed one tried again; never a sent one."""
    now = clock.now()
    async with transaction():
        inserted = await InboxMail.raw(
            "INSERT INTO inbox_mail (\"user\", day, recipient, status, attempts, last_attempt_at, error, message_id) "
            "VALUES ({}, {}, {}, {}, 1, {}, '', '') ON CONFLICT DO NOTHING RETURNING id",
            user, day, recipient, MailStatus.sending.value, now,
        )
        if inserted:
            return True
        retried = await InboxMail.update({
            InboxMail.status: MailStatus.sending.value, InboxMail.attempts: InboxMail.attempts + 1,
            InboxMail.last_attempt_at: now, InboxMail.recipient: recipient,
        }).where(InboxMail.user == user, InboxMail.day == day, InboxMail.status == MailStatus.failed.value
                 ).returning(InboxMail.id)
    return bool(retried)


async def mail_inboxes(today: dt.date) -> dict[str, int]:
    """E-mail each user with an address the newest day of their inbox not yet mailed.

    The (user, day) row of `inbox_mail` is claimed before sending and marked after, so a day is
    mailed at most once even when runs overlap; a failure is recorded on the row and the next run
    claims it again. A process dying between the two leaves `sending`, which is never retried: a
    lost reminder (still in the inbox) is better than a duplicate. Like the inbox rows, these rows
    are the job's own bookkeeping, not a business action: the job run's summary counts them, the
    audit log does not.
    """
    settings = get_settings()
    smtp = settings.smtp
    if smtp is None:
        return {"mailed": 0, "mail_failed": 0}
    since = today - dt.timedelta(days=MAIL_RETRY_DAYS)
    rows = await InboxMessage.select(
        InboxMessage.id, InboxMessage.user, InboxMessage.day, InboxMessage.kind, InboxMessage.subject,
        InboxMessage.body, InboxMessage.issue_ids, InboxMessage.user.email.as_alias("email"),
        InboxMessage.user.display_name.as_alias("name"), InboxMessage.user.locale.as_alias("locale"),
    ).where(InboxMessage.day >= since, InboxMessage.day <= today, InboxMessage.user.email.is_not_null(),
            InboxMessage.user.active.eq(True)).order_by(InboxMessage.id)
    newest: dict[int, dt.date] = {}
    for row in rows:
        newest[row["user"]] = max(row["day"], newest.get(row["user"], row["day"]))
    taken = {(r["user"], r["day"]) for r in await InboxMail.select(InboxMail.user, InboxMail.day).where(
        InboxMail.day >= since, InboxMail.status != MailStatus.failed.value)}
    mailed = failed = 0
    for user, day in sorted(newest.items()):
        if (user, day) in taken:
            continue
        # Digest before escalation, whatever order the job wrote them in.
        messages = sorted((r for r in rows if r["user"] == user and r["day"] == day),
                          key=lambda r: (r["kind"] != InboxKind.digest.value, r["id"]))
        recipient = messages[0]["email"]
        token = current_locale.set(pick_locale(messages[0]["locale"], settings.default_locale))
        try:
            subject, text = _inbox_mail_text(messages, day, settings)
        finally:
            current_locale.reset(token)
        # Composed before the claim, so that nothing but the sending itself can leave a row `sending`.
        message = mail.build_message(to=recipient, subject=subject, text=text)
        if not await _claim_mail(user, day, recipient):
            continue
        try:
            await mail.send(message, smtp)
        except mail.MailError as exc:
            log.warning("digest mail to user %s for %s failed: %s", user, day, exc)
            async with transaction():
                await InboxMail.update({InboxMail.status: MailStatus.failed.value, InboxMail.error: str(exc)}).where(
                    InboxMail.user == user, InboxMail.day == day)
            failed += 1
            if exc.affects_all:
                break  # the server is down or refuses us: the others wait for the next run, untried
            continue
        async with transaction():
            await InboxMail.update({
                InboxMail.status: MailStatus.sent.value, InboxMail.sent_at: clock.now(),
                InboxMail.error: "", InboxMail.message_id: message["Message-ID"],
            }).where(InboxMail.user == user, InboxMail.day == day)
            await InboxMessage.update({InboxMessage.emailed: True}).where(
                InboxMessage.id.is_in([m["id"] for m in messages]))
        mailed += 1
    return {"mailed": mailed, "mail_failed": failed}


def jobs() -> list[Job]:
    # 07:00 in TIME_ZONE: the day's reminders are there when the site's working day starts.
    return [Job(name="inspections.escalation", func=run_escalation, cron={"hour": 7, "minute": 0})]


def _inbox_out(row: dict) -> InboxOut:
    return InboxOut(
        id=row["id"], day=row["day"], kind=row["kind"], subject=row["subject"], body=row["body"],
        issue_ids=[int(i) for i in row["issue_ids"].split(",") if i], created_at=row["created_at"],
        read=row["read_at"] is not None,
    )


async def list_inbox(actor: Actor, unread: bool = False) -> list[InboxOut]:
    query = InboxMessage.select().where(InboxMessage.user == actor.id).order_by(InboxMessage.id, ascending=False)
    if unread:
        query = query.where(InboxMessage.read_at.is_null())
    return [_inbox_out(r) for r in await query.limit(200)]


async def mark_read(actor: Actor, message_id: int) -> InboxOut:
    rows = await InboxMessage.select().where(InboxMessage.id == message_id, InboxMessage.user == actor.id)
    if not rows:
        raise NotFound("No message {id}.", field="message_id", id=message_id)
    await InboxMessage.update({InboxMessage.read_at: clock.now()}).where(
        InboxMessage.id == message_id, InboxMessage.read_at.is_null())
    return _inbox_out((await InboxMessage.select().where(InboxMessage.id == message_id))[0])
