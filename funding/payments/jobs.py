"""The daily payment-deadline monitor: certificates due within 7 days or overdue, retention releases due to
be checked or paid, told to the project's finance staff and project manager in their daily digest.

The digest is the inspections inbox's (`inspections.tables.InboxMessage`, kind `digest`, one per user and
day): the lines are appended to the day's message if one exists, so nothing another job wrote is lost.
It runs at 06:50, before the inspections job mails the day's inbox at 07:00.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from funding.payments.schemas import MonitorRow
from funding.payments.services.monitor import monitor_rows
from funding.payments.tables import Contract
from inspections.kinds import InboxKind
from inspections.tables import InboxMessage
from tracker import clock
from tracker.accounts.roles import Role
from tracker.accounts.tables import Membership
from tracker.db import transaction
from tracker.jobs import Job

TOLD = (Role.finance.value, Role.project_manager.value)
KIND_TEXT = {"certificate": "支付证书", "retention_check": "质保金返还核查", "retention_payment": "质保金返还支付",
             "retention_due": "质保金到期可返还（合同）", "overpayment_return": "结算多付款应退回（合同）"}


def line(row: MonitorRow, today: dt.date) -> str:
    state = f"逾期 {row.overdue_days} 天" if row.due_on < today else f"{row.due_on.isoformat()} 到期"
    amount = f"{row.outstanding_fen // 100:,}.{row.outstanding_fen % 100:02d}"
    return f"工程款：{KIND_TEXT[row.kind]} {row.number}（{row.contractor_name}）待付 {amount} 元，{state}"


async def _append(user_id: int, day: dt.date, subject: str, lines: list[str]) -> None:
    await InboxMessage.raw(
        'INSERT INTO inbox_message ("user", day, kind, subject, body, issue_ids, created_at, emailed) '
        "VALUES ({}, {}, {}, {}, {}, '', {}, {}) "
        'ON CONFLICT ("user", day, kind) DO UPDATE SET body = inbox_message.body || {} || excluded.body',
        user_id, day, InboxKind.digest.value, subject, "\n".join(lines), clock.now(), False, "\n",
    )


async def run_monitor(now: dt.datetime) -> dict:
    today = clock.day_of(now)
    found = await monitor_rows(today)
    rows = found.overdue + found.due_soon
    if not rows:
        return {"due_soon": 0, "overdue": 0, "told": 0}
    projects = {r["id"]: r["project"] for r in await Contract.select(Contract.id, Contract.project).where(
        Contract.id.is_in(sorted({r.contract_id for r in rows})))}
    members = await Membership.select(Membership.project, Membership.user).where(
        Membership.project.is_in(sorted(set(projects.values()))), Membership.user.active.eq(True),
        Membership.user.role.is_in(list(TOLD)))
    people: dict[int, list[int]] = defaultdict(list)
    for m in members:
        people[m["project"]].append(m["user"])
    lines: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        for user in people.get(projects[row.contract_id], []):
            lines[user].append(line(row, today))
    async with transaction():
        for user, text in lines.items():
            await _append(user, today, f"付款提醒：{len(found.overdue)} 项逾期，{len(found.due_soon)} 项 7 日内到期", text)
    return {"due_soon": len(found.due_soon), "overdue": len(found.overdue), "told": len(lines)}


def jobs() -> list[Job]:
    return [Job(name="payments.monitor", func=run_monitor, cron={"hour": 6, "minute": 50})]
