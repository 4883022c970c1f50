"""What resident consultations leave waiting: paper ballot sheets entered by one staff member of the
resident office and awaiting a second, different one's identical entry; due when voting closes."""

from __future__ import annotations

import datetime as dt

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import RESIDENT_OFFICE, Role
from tracker.consultations.kinds import Channel, SheetStatus
from tracker.consultations.tables import BallotSheet
from tracker.todo.kinds import TodoKind
from tracker.todo.schemas import TodoOut


async def paper_sheets(actor: Actor, today: dt.date, count_only: bool):
    if Role(actor.role) not in RESIDENT_OFFICE or not actor.project_ids:
        return 0 if count_only else []
    # The one who entered a sheet cannot confirm it (a CHECK on the table), so it is not theirs to do.
    where = [BallotSheet.status == SheetStatus.pending.value, BallotSheet.channel == Channel.paper.value,
             BallotSheet.consultation._.project.is_in(list(actor.project_ids)),
             (BallotSheet.entered_by.is_null()) | (BallotSheet.entered_by != actor.id)]
    if count_only:
        return await BallotSheet.count().where(*where)
    rows = await BallotSheet.select(
        BallotSheet.consultation, BallotSheet.consultation.title.as_alias("consultation_title"),
        BallotSheet.consultation.closes_at.as_alias("closes_at"), BallotSheet.roll_entry.certificate_no.as_alias("cert"),
        BallotSheet.consultation.project.as_alias("project"),
        BallotSheet.consultation.project.name.as_alias("project_name"),
    ).where(*where)
    items = []
    for r in rows:
        due = clock.day_of(r["closes_at"])
        items.append(TodoOut(kind=TodoKind.paper_confirm.value, title=f"{r['cert']} · {r['consultation_title']}",
                             href=f"/consultations/{r['consultation']}#pending", project_id=r["project"],
                             project_name=r["project_name"], due=due, overdue=due < today))
    return items


SOURCES = [paper_sheets]
