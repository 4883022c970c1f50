"""Outgoing e-mail: UTF-8 text messages handed to the SMTP server of SMTP_URL from a worker thread."""

from __future__ import annotations

import html
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import anyio.to_thread

from tracker import clock
from tracker.settings import Smtp, get_settings

_URL = re.compile(r"https?://[^\s<>\"']+")


class MailError(Exception):
    """The message was not accepted; the text says why (server answer or network error, no secrets)."""

    def __init__(self, reason: str, *, affects_all: bool) -> None:
        super().__init__(reason)
        # False when only this recipient or message was refused: other messages may still go through.
        self.affects_all = affects_all


def _html(text: str) -> str:
    """The same text as HTML, so links are clickable in clients that do not link plain URLs."""
    escaped = html.escape(text)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return f'<html><body><pre style="font-family: inherit; white-space: pre-wrap">{linked}</pre></body></html>\n'


def build_message(*, to: str, subject: str, text: str, sender: str | None = None) -> EmailMessage:
    """A multipart/alternative message: the plain text (UTF-8), and the same text as HTML."""
    sender = sender or get_settings().mail_from
    domain = parseaddr(sender)[1].rpartition("@")[2] or "tracker.local"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=domain)  # given a domain, so no slow FQDN lookup
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    # base64 keeps the Chinese text 7-bit clean for servers without 8BITMIME.
    message.set_content(text, charset="utf-8", cte="base64")
    message.add_alternative(_html(text), subtype="html", charset="utf-8", cte="base64")
    return message


def _send_blocking(smtp: Smtp, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if smtp.implicit_tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.starttls:
            client.starttls(context=context)
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)


async def send(message: EmailMessage, smtp: Smtp | None = None) -> None:
    """Hand `message` to the SMTP server; smtplib blocks, so it runs in a worker thread.

    Raises MailError on any refusal or network failure (each socket operation times out after the
    URL's `timeout`), never another exception type, so a caller can record it and carry on.
    """
    smtp = smtp or get_settings().smtp
    if smtp is None:
        raise MailError("SMTP_URL is not set", affects_all=True)
    try:
        await anyio.to_thread.run_sync(_send_blocking, smtp, message)
    except OSError as exc:  # smtplib.SMTPException and ssl.SSLError are OSErrors too
        per_message = isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))
        reason = f"{type(exc).__name__}: {exc}".strip()[:500]
        raise MailError(reason, affects_all=not per_message) from exc
