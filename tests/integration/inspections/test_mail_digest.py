"""The daily digest by e-mail, through a real SMTP server on loopback: one mail per user and day, sent
once, recorded when it fails and sent on a later run."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import os
from contextlib import contextmanager

import pytest
from aiosmtpd.smtp import SMTP as SMTPServerProtocol

from inspections import jobs
from inspections.tables import InboxMail, InboxMessage, Issue, MailStatus
from tests.integration.inspections.helpers import API, file_issue, issue_notice
from tests.live import free_port
from tracker import clock
from tracker.jobs import run_job
from tracker.settings import get_settings

pytestmark = pytest.mark.asyncio

BASE = "https://tracker.example.org"


class Mailbox:
    """An aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for recipients, message in self.received if address in recipients]


@contextmanager
def settings_env(**values: str):
    """Settings are read once; change the environment and read them again, then put both back."""
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


async def start_smtp_server(mailbox: Mailbox) -> tuple[asyncio.Server, int]:
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTPServerProtocol(mailbox, hostname="mail.test", ident="test-smtpd"), "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.fixture
async def mailbox():
    box = Mailbox()
    server, port = await start_smtp_server(box)
    with settings_env(SMTP_URL=f"smtp://127.0.0.1:{port}?timeout=5", MAIL_FROM="整改跟踪 <noreply@tracker.example.org>",
                      PUBLIC_BASE_URL=BASE):
        yield box
    server.close()
    await server.wait_closed()


async def set_email(admin, user_id: int, address: str | None) -> None:
    response = await admin.patch(f"/api/v1/users/{user_id}", json={"email": address})
    assert response.status_code == 200, response.text


async def overdue_issues(world, inspector, count: int, days_late: int = 2) -> list[int]:
    issues = [await file_issue(inspector, world, description=f"外墙渗漏{n}") for n in range(count)]
    ids = [i["id"] for i in issues]
    await issue_notice(inspector, world, ids)
    await Issue.update({Issue.deadline: dt.date.today() - dt.timedelta(days=days_late)}).where(Issue.id.is_in(ids))
    return ids


def plain_text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


async def test_one_mail_per_user_with_their_overdue_items_sent_once(world, client_for, mailbox):
    admin = await client_for("admin")
    inspector = await client_for("inspector")
    await set_email(admin, world.users["contractor"], "contractor@builder.example")
    await set_email(admin, world.users["chief"], "chief@supervision.example")
    # A second contractor on the project holds the same ball but has no address: inbox only.
    created = await admin.post("/api/v1/users", json={
        "username": "contractor2", "display_name": "第二项目部", "password": "long-enough-1", "role": "contractor",
        "organisation_id": world.orgs["Builder Co"], "project_ids": [world.project]})
    assert created.status_code == 201 and created.json()["email"] is None
    second_contractor = created.json()["id"]
    late = await overdue_issues(world, inspector, 3)
    await Issue.update({Issue.deadline: dt.date.today() - dt.timedelta(days=30)}).where(Issue.id == late[0])

    now = dt.datetime.now(dt.timezone.utc)
    summary = await run_job(jobs.jobs()[0], now)
    assert summary["mailed"] == 2 and summary["mail_failed"] == 0

    assert sorted(r for recipients, _ in mailbox.received for r in recipients) == [
        "chief@supervision.example", "contractor@builder.example"]
    [mail] = mailbox.to("contractor@builder.example")
    day = clock.day_of(now).isoformat()
    assert mail["Subject"] == f"【整改跟踪】{day} 整改提醒：3 项已逾期，0 项即将到期"
    assert mail["To"] == "contractor@builder.example" and mail["From"].addresses[0].addr_spec == "noreply@tracker.example.org"
    assert mail.get_content_type() == "multipart/alternative" and mail["Auto-Submitted"] == "auto-generated"
    text = plain_text(mail)
    assert text.startswith("Contractor，您好：") and "外墙渗漏2" in text
    for issue_id in late:
        assert f"#{issue_id} " in text and f"{BASE}/inspections/issues/{issue_id}\n" in text
    assert f'href="{BASE}/inspections/issues/{late[0]}"' in mail.get_body(preferencelist=("html",)).get_content()
    [chief_mail] = mailbox.to("chief@supervision.example")
    assert "升级提醒：1 项问题需总监处理" in chief_mail["Subject"] and "工程暂停令" in plain_text(chief_mail)

    # The second contractor has the digest in the inbox but no address, so no mail.
    assert await InboxMessage.exists().where(InboxMessage.user == second_contractor)
    assert not await InboxMail.exists().where(InboxMail.user == second_contractor)

    # Re-running, by the scheduler or directly, mails nothing more.
    assert await run_job(jobs.jobs()[0], now) is None
    again = await jobs.run_escalation(now)
    assert again["mailed"] == 0 and again["mail_failed"] == 0
    assert len(mailbox.received) == 2
    rows = await InboxMail.select().where(InboxMail.user == world.users["contractor"])
    assert [(r["status"], r["attempts"], r["recipient"]) for r in rows] == [
        (MailStatus.sent.value, 1, "contractor@builder.example")]
    assert rows[0]["sent_at"] is not None and rows[0]["message_id"] == mail["Message-ID"]
    assert await InboxMessage.exists().where(InboxMessage.user == world.users["contractor"], InboxMessage.emailed.eq(True))


async def test_unreachable_server_is_recorded_and_the_next_run_sends_once(world, client_for):
    admin = await client_for("admin")
    inspector = await client_for("inspector")
    await set_email(admin, world.users["contractor"], "contractor@builder.example")
    await overdue_issues(world, inspector, 2)
    now = dt.datetime.now(dt.timezone.utc)

    with settings_env(SMTP_URL=f"smtp://127.0.0.1:{free_port()}?timeout=2"):
        summary = await jobs.run_escalation(now)
    assert summary["digests"] == 1 and summary["mailed"] == 0 and summary["mail_failed"] == 1
    [row] = await InboxMail.select().where(InboxMail.user == world.users["contractor"])
    assert row["status"] == MailStatus.failed.value and row["attempts"] == 1 and "Connection" in row["error"]

    box = Mailbox()
    server, port = await start_smtp_server(box)
    try:
        with settings_env(SMTP_URL=f"smtp://127.0.0.1:{port}?timeout=5"):
            assert (await jobs.run_escalation(now))["mailed"] == 1
            assert (await jobs.run_escalation(now))["mailed"] == 0
    finally:
        server.close()
        await server.wait_closed()
    assert len(box.to("contractor@builder.example")) == 1 and len(box.received) == 1
    [row] = await InboxMail.select().where(InboxMail.user == world.users["contractor"])
    assert row["status"] == MailStatus.sent.value and row["attempts"] == 2 and row["error"] == ""


async def test_a_newer_digest_replaces_an_unsent_older_one(world, client_for, mailbox):
    """Yesterday's mail failed; today's run mails today's digest only, never two stale ones."""
    admin = await client_for("admin")
    inspector = await client_for("inspector")
    await set_email(admin, world.users["contractor"], "contractor@builder.example")
    await overdue_issues(world, inspector, 1, days_late=5)
    now = dt.datetime.now(dt.timezone.utc)
    yesterday = now - dt.timedelta(days=1)
    with settings_env(SMTP_URL=f"smtp://127.0.0.1:{free_port()}?timeout=2"):
        assert (await jobs.run_escalation(yesterday))["mail_failed"] == 1

    assert (await jobs.run_escalation(now))["mailed"] == 1
    [mail] = mailbox.to("contractor@builder.example")
    assert clock.day_of(now).isoformat() in mail["Subject"]
    statuses = {r["day"]: r["status"] for r in await InboxMail.select(InboxMail.day, InboxMail.status)}
    assert sorted(statuses.values()) == [MailStatus.failed.value, MailStatus.sent.value]
    assert (await jobs.run_escalation(now))["mailed"] == 0 and len(mailbox.received) == 1


async def test_without_smtp_the_digest_stays_in_the_inbox(world, client_for):
    admin = await client_for("admin")
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    await set_email(admin, world.users["contractor"], "contractor@builder.example")
    await overdue_issues(world, inspector, 1)
    assert get_settings().smtp is None
    summary = await jobs.run_escalation(dt.datetime.now(dt.timezone.utc))
    assert summary["digests"] == 1 and summary["mailed"] == 0
    assert await InboxMail.count() == 0
    assert len((await contractor.get(f"{API}/inbox")).json()) == 1


async def test_smtp_url_forms():
    from tracker.settings import parse_smtp_url

    relay = parse_smtp_url("smtp://digest%40example.org:p%40ss%3Aword@mail.example.org:587?starttls=1&timeout=3")
    assert (relay.host, relay.port, relay.username, relay.password) == (
        "mail.example.org", 587, "digest@example.org", "p@ss:word")
    assert relay.starttls and not relay.implicit_tls and relay.timeout == 3
    assert "p@ss" not in repr(relay)
    tls = parse_smtp_url("smtps://mail.example.org")
    assert (tls.port, tls.implicit_tls, tls.starttls, tls.username) == (465, True, False, None)
    assert parse_smtp_url("smtp://localhost").port == 25
    for bad in ["http://mail.example.org", "smtp://", "smtps://h?starttls=1", "smtp://h?tls=1"]:
        with pytest.raises(RuntimeError):
            parse_smtp_url(bad)
