"""What contract payments leave waiting: applications to review (专业监理工程师 or 总监) and reviewed
ones to certify (总监). The rules fix no review period, so these carry no due date."""

from __future__ import annotations

import datetime as dt

from funding.payments.kinds import ApplicationStatus
from funding.payments.tables import PaymentApplication
from tracker.accounts.actor import Actor
from tracker.accounts.roles import PAYMENT_CERTIFIERS, PAYMENT_REVIEWERS, Role
from tracker.todo.kinds import TodoKind
from tracker.todo.schemas import TodoOut


def _statuses(role: Role) -> dict[str, TodoKind]:
    found = {}
    if role in PAYMENT_REVIEWERS:
        found[ApplicationStatus.submitted.value] = TodoKind.payment_review
    if role in PAYMENT_CERTIFIERS:
        found[ApplicationStatus.reviewed.value] = TodoKind.payment_certify
    return found


async def applications(actor: Actor, today: dt.date, count_only: bool):
    statuses = _statuses(Role(actor.role))
    if not statuses or not actor.project_ids:
        return 0 if count_only else []
    where = [PaymentApplication.status.is_in(list(statuses)), PaymentApplication.project.is_in(list(actor.project_ids))]
    if count_only:
        return await PaymentApplication.count().where(*where)
    rows = await PaymentApplication.select(
        PaymentApplication.id, PaymentApplication.status, PaymentApplication.period_end, PaymentApplication.project,
        PaymentApplication.contract.code.as_alias("code"), PaymentApplication.project.name.as_alias("project_name"),
    ).where(*where)
    return [TodoOut(kind=statuses[r["status"]].value, title=f"{r['code']} · {r['period_end'].isoformat()}",
                    href=f"/payment-applications/{r['id']}", project_id=r["project"], project_name=r["project_name"])
            for r in rows]


SOURCES = [applications]
