"""The in-app inbox (one digest and one escalation per user per day) and the daily mail of it.

A message is written once per (user, day, kind): the unique row keeps it to one however often the
escalation job runs. When SMTP is configured, each user with an e-mail address also gets the day's
inbox by mail, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from inspections.kinds import InboxKind
from inspections.schemas import InboxOut
from inspections.tables import InboxMail, InboxMessage, MailStatus
from tracker import clock, mail
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import NotFound
from tracker.i18n import current_locale, gettext, pick_locale
from tracker.rows import to_schema
from tracker.settings import Settings, get_settings

log = logging.getLogger("inspections.inbox")


# A mail that failed is tried again by later runs until the day after; by then a newer digest
# replaces it, and an older one would only repeat stale news.
MAIL_RETRY_DAYS = 1


_ISSUE_LINE = re.compile(r"^#(\d+) ")  # the lines `escalation._line` writes start with the issue number


async def deliver(user_id: int, day: dt.date, kind: InboxKind, subject: str, lines: list[str],
                   issue_ids: list[int]) -> bool:
    """Insert the user's message for the day unless it exists: the unique row keeps it to one."""
    inserted = await InboxMessage.raw(
        "INSERT INTO inbox_message (\"user\", day, kind, subject, body, issue_ids, created_at, emailed) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING id",
        user_id, day, kind.value, subject, "\n".join(lines), ",".join(str(i) for i in sorted(issue_ids)),
        clock.now(), False,
    )
    return bool(inserted)


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
        gettext("Your to-do list: %(url)s", url=settings.public_base_url + "/my/todo"),
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


def _inbox_out(row: dict) -> InboxOut:
    """The stored comma-separated issue ids as a list, and whether it was read."""
    return to_schema(row, InboxOut, issue_ids=[int(i) for i in row["issue_ids"].split(",") if i],
                     read=row["read_at"] is not None)


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
