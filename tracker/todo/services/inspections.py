"""What inspections leave waiting on a user: issues whose ball is in their court (a notice to issue, a
recheck due), notices to reply to, and stop-work resumptions to review or approve."""

from __future__ import annotations

import datetime as dt

from inspections.kinds import Ball, IssueStatus, NoticeStatus, ResumptionStatus
from inspections.tables import Issue, Notice, ResumptionApplication
from inspections.workflow import BALL
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.todo.kinds import TodoKind
from tracker.todo.schemas import TodoOut

# The inspecting organisation's moves on an issue, by status (`inspections.workflow.BALL`).
_INSPECTING_MOVES = {IssueStatus.open: TodoKind.issue_notice, IssueStatus.submitted: TodoKind.recheck}
assert all(BALL[status] is Ball.inspecting for status in _INSPECTING_MOVES)
_ISSUE_ROLES = {Role.inspector, Role.chief_inspector}


def _projects(actor: Actor, column):
    """Admins see every project; everyone else only theirs (an empty set matches nothing)."""
    return None if actor.is_admin else column.is_in(list(actor.project_ids) or [-1])


async def _run(query, count_only: bool):
    if count_only:
        return await query.count()
    return await query


async def issues(actor: Actor, today: dt.date, count_only: bool):
    """Open issues (a notice to issue) and submitted ones (a recheck due) of the actor's organisation."""
    if Role(actor.role) not in _ISSUE_ROLES or actor.organisation_id is None or not actor.project_ids:
        return 0 if count_only else []
    where = [Issue.inspecting_org == actor.organisation_id,
             Issue.status.is_in([s.value for s in _INSPECTING_MOVES]), _projects(actor, Issue.project)]
    if count_only:
        return await Issue.count().where(*[w for w in where if w is not None])
    rows = await Issue.select(Issue.id, Issue.status, Issue.deadline, Issue.description, Issue.project,
                              Issue.project.name.as_alias("project_name")).where(*[w for w in where if w is not None])
    return [TodoOut(kind=_INSPECTING_MOVES[IssueStatus(r["status"])].value, title=f"#{r['id']} {r['description'][:60]}",
                    href=f"/inspections/issues/{r['id']}", project_id=r["project"], project_name=r["project_name"],
                    due=r["deadline"], overdue=r["deadline"] < today) for r in rows]


async def notices(actor: Actor, today: dt.date, count_only: bool):
    """Notices addressed to the contractor's organisation that still have issues to rectify."""
    if Role(actor.role) is not Role.contractor or actor.organisation_id is None or not actor.project_ids:
        return 0 if count_only else []
    waiting = Issue.select(Issue.notice).where(Issue.status == IssueStatus.rectifying.value, Issue.notice.is_not_null())
    where = [Notice.addressed_org == actor.organisation_id, Notice.status == NoticeStatus.issued.value,
             Notice.id.is_in(waiting), _projects(actor, Notice.project)]
    where = [w for w in where if w is not None]
    if count_only:
        return await Notice.count().where(*where)
    rows = await Notice.select(Notice.id, Notice.number_text, Notice.subject, Notice.deadline, Notice.project,
                               Notice.project.name.as_alias("project_name")).where(*where)
    return [TodoOut(kind=TodoKind.notice_reply.value, title=f"{r['number_text']} {r['subject']}",
                    href=f"/inspections/notices/{r['id']}", project_id=r["project"], project_name=r["project_name"],
                    due=r["deadline"], overdue=r["deadline"] < today) for r in rows]


_RESUMPTION_STEP = {Role.chief_inspector: (ResumptionStatus.applied, TodoKind.resumption_review),
                    Role.project_manager: (ResumptionStatus.reviewed, TodoKind.resumption_approval)}


async def resumptions(actor: Actor, today: dt.date, count_only: bool):
    """Resumption applications waiting on the chief's review or the owner's (project manager's) approval;
    due on the date the contractor proposes to resume."""
    step = _RESUMPTION_STEP.get(Role(actor.role))
    if step is None or not actor.project_ids:
        return 0 if count_only else []
    status, kind = step
    where = [ResumptionApplication.status == status.value, _projects(actor, ResumptionApplication.project)]
    where = [w for w in where if w is not None]
    if count_only:
        return await ResumptionApplication.count().where(*where)
    rows = await ResumptionApplication.select(
        ResumptionApplication.stop_order, ResumptionApplication.proposed_date, ResumptionApplication.project,
        ResumptionApplication.stop_order.number_text.as_alias("number_text"),
        ResumptionApplication.project.name.as_alias("project_name")).where(*where)
    return [TodoOut(kind=kind.value, title=r["number_text"], href=f"/inspections/stop-work/{r['stop_order']}",
                    project_id=r["project"], project_name=r["project_name"], due=r["proposed_date"],
                    overdue=r["proposed_date"] < today) for r in rows]


SOURCES = [issues, notices, resumptions]
