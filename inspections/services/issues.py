"""Issues (问题): filing one, reading and listing them, and moving one through the state machine."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import msgspec

from inspections import access, workflow
from inspections import photos as photo_store
from inspections.kinds import IssueAction, IssueStatus, ReportStatus, Severity, StopScope, StopStatus
from inspections.schemas import EventOut, IssueIn, IssueOut, PhotoOut
from inspections.services.categories import active_category_id
from inspections.services.common import (
    RESOLVED,
    check_contractor,
    check_location,
    issue_scope,
    photo_out,
    place,
    printed_date,
    require_org,
    stop_work_scope,
)
from inspections.tables import DefectReport, Issue, IssueEvent, Photo, StopWorkOrder
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import CONTRACTING, INSPECTING
from tracker.db import is_postgres, transaction
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tracker.register.tables import Project
from tracker.rows import to_schema


ISSUE_COLUMNS = (
    *Issue.all_columns(),
    Issue.category.code.as_alias("category_code"),
    Issue.category.name.as_alias("category_name"),
    Issue.responsible_org.name.as_alias("responsible_org_name"),
    Issue.building.name.as_alias("building_name"),
    Issue.dwelling.number.as_alias("dwelling_number"),
    Issue.notice.number_text.as_alias("notice_number"),
)


def issue_select():
    return Issue.select(*ISSUE_COLUMNS)


async def issue_row(issue_id: int) -> dict:
    rows = await issue_select().where(Issue.id == issue_id)
    if not rows:
        raise NotFound("No issue {id}.", field="issue_id", id=issue_id)
    return rows[0]


class StopIndex:
    """Which projects and buildings are stopped, read once per request; for a contractor, by the orders
    addressed to it (an order stops the work of the contractor it is addressed to)."""

    def __init__(self, orders: list[dict]):
        self.projects = {o["project"] for o in orders if o["scope"] == StopScope.project}
        self.buildings = {o["building"] for o in orders if o["scope"] == StopScope.building}

    @classmethod
    async def load(cls, actor: Actor, project_ids: list[int] | None = None) -> StopIndex:
        query = StopWorkOrder.select(StopWorkOrder.project, StopWorkOrder.scope, StopWorkOrder.building).where(
            StopWorkOrder.status == StopStatus.in_force.value, *stop_work_scope(actor)
        )
        if project_ids is not None:
            if not project_ids:
                return cls([])
            query = query.where(StopWorkOrder.project.is_in(project_ids))
        return cls(await query)

    def stopped(self, project_id: int, building_id: int | None) -> bool:
        return project_id in self.projects or (building_id is not None and building_id in self.buildings)


# An issue as the API shows it: the columns named as IssueOut's fields; `_issues_out` adds what is derived.
ISSUE_OUT = (
    Issue.id,
    Issue.project.as_alias("project_id"),
    Issue.building.as_alias("building_id"),
    Issue.building.name.as_alias("building"),
    Issue.dwelling.as_alias("dwelling_id"),
    Issue.dwelling.number.as_alias("dwelling"),
    Issue.part,
    Issue.location,
    Issue.kind,
    Issue.category.code.as_alias("category"),
    Issue.category.name.as_alias("category_name"),
    Issue.severity,
    Issue.description,
    Issue.responsible_org.as_alias("responsible_org_id"),
    Issue.responsible_org.name.as_alias("responsible_org"),
    Issue.inspecting_org.as_alias("inspecting_org_id"),
    Issue.deadline,
    Issue.status,
    Issue.round,
    Issue.rejections,
    Issue.overdue,
    Issue.escalated_at,
    Issue.notice.as_alias("notice_id"),
    Issue.notice.number_text.as_alias("notice_number"),
    Issue.created_at,
    Issue.closed_at,
)
EVENT_OUT = (
    IssueEvent.issue, IssueEvent.action, IssueEvent.from_status, IssueEvent.to_status,
    IssueEvent.actor.display_name.as_alias("actor"), IssueEvent.at, IssueEvent.note, IssueEvent.deadline,
    IssueEvent.round,
)


async def get_issue(actor: Actor, issue_id: int) -> IssueOut:
    row = await issue_row(issue_id)
    access.check_issue(actor, row)
    return (await _issues_out(actor, await Issue.select(*ISSUE_OUT).where(Issue.id == issue_id), details=True))[0]


async def get_issues(actor: Actor, issue_ids: list[int]) -> dict[int, IssueOut | None]:
    """Several issues in five queries (a notice's or an order's): None for one the actor may not see."""
    rows = await issue_select().where(Issue.id.is_in(list(issue_ids))) if issue_ids else []
    visible = []
    for row in rows:
        try:
            access.check_issue(actor, row)
            visible.append(row)
        except DomainError:
            pass
    out: dict[int, IssueOut | None] = {row["id"]: None for row in rows}
    shown = await Issue.select(*ISSUE_OUT).where(Issue.id.is_in([row["id"] for row in visible])) if visible else []
    out.update({issue.id: issue for issue in await _issues_out(actor, shown, details=True)})
    return out


async def _issues_out(actor: Actor, rows: list[dict], *, details: bool = False) -> list[IssueOut]:
    """Rows of `Issue.select(*ISSUE_OUT)` as the API shows them, with what is derived from them (whose move,
    the actions allowed, overdue, stopped) and, with `details`, their photos and timeline."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    photos: dict[int, list[PhotoOut]] = defaultdict(list)
    events: dict[int, list[EventOut]] = defaultdict(list)
    if details:
        for p in await Photo.select().where(Photo.issue.is_in(ids)).order_by(Photo.id):
            photos[p["issue"]].append(photo_out(p))
        for e in await IssueEvent.select(*EVENT_OUT).where(IssueEvent.issue.is_in(ids)).order_by(IssueEvent.id):
            events[e["issue"]].append(to_schema(e, EventOut))
    stops = await StopIndex.load(actor, sorted({row["project_id"] for row in rows}))
    today = clock.today()
    out = []
    for row in rows:
        status = IssueStatus(row["status"])
        out.append(to_schema(
            row, IssueOut, ball=workflow.ball(status), allowed_actions=[a.value for a in workflow.allowed_from(status)],
            overdue=bool(row["overdue"]) or (status not in workflow.FINAL and row["deadline"] < today),
            escalated=row["escalated_at"] is not None, stopped=stops.stopped(row["project_id"], row["building_id"]),
            photos=photos[row["id"]], events=events[row["id"]],
        ))
    return out


class IssueFilter(msgspec.Struct, forbid_unknown_fields=True):
    status: list[IssueStatus] = []
    severity: Severity | None = None
    kind: str | None = None
    responsible_org_id: int | None = None
    building_id: int | None = None
    overdue: bool | None = None
    ball: str | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""
    offset: int = 0
    limit: int = 50


def issue_conditions(actor: Actor, project_id: int, f: IssueFilter) -> list:
    conditions: list = [Issue.project == project_id, *issue_scope(actor)]
    if f.status:
        conditions.append(Issue.status.is_in([s.value for s in f.status]))
    if f.severity:
        conditions.append(Issue.severity == f.severity.value)
    if f.kind:
        conditions.append(Issue.kind == f.kind)
    if f.responsible_org_id:
        conditions.append(Issue.responsible_org == f.responsible_org_id)
    if f.building_id:
        conditions.append(Issue.building == f.building_id)
    if f.overdue is not None:
        late = Issue.status.not_in(list(RESOLVED)) & (Issue.deadline < clock.today())
        if f.overdue:
            conditions.append(late)
        else:
            conditions.append(Issue.status.is_in(list(RESOLVED)) | (Issue.deadline >= clock.today()))
    if f.ball:
        states = [s.value for s, b in workflow.BALL.items() if b.value == f.ball]
        conditions.append(Issue.status.is_in(states or ["-"]))
    if f.created_from:
        conditions.append(Issue.created_at >= clock.day_start(f.created_from))
    if f.created_to:
        conditions.append(
            Issue.created_at < clock.day_start(f.created_to + dt.timedelta(days=1))
        )
    if f.deadline_to:
        conditions.append(Issue.deadline <= f.deadline_to)
    if f.q.strip():
        like = f"%{f.q.strip()}%"
        # SQLite's LIKE is already case-blind for ASCII and Piccolo warns on its ILIKE.
        match = (lambda column: column.ilike(like)) if is_postgres() else (lambda column: column.like(like))
        conditions.append(match(Issue.description) | match(Issue.location) | match(Issue.part))
    return conditions


async def list_issues(actor: Actor, project_id: int, f: IssueFilter) -> tuple[list[IssueOut], int]:
    """One page of a project's issues, newest first, with the total: two queries whatever the page."""
    if not 1 <= f.limit <= 500:
        raise Invalid("limit must be between 1 and 500.", field="limit")
    if f.offset < 0:
        raise Invalid("offset must not be negative.", field="offset")
    access.check_inspections(actor, project_id)
    conditions = issue_conditions(actor, project_id, f)
    total = await Issue.count().where(*conditions)
    rows = await Issue.select(*ISSUE_OUT).where(*conditions).order_by(Issue.id, ascending=False).offset(
        f.offset).limit(f.limit)
    return await _issues_out(actor, rows), total


async def file_issue(actor: Actor, project_id: int, data: IssueIn, *, report_id: int | None = None) -> IssueOut:
    """An inspector files an issue found on site (问题), open until a notice puts it to the contractor."""
    access.check_project(actor, project_id)
    inspecting_org = require_org(actor)
    if data.deadline < clock.today():
        raise Invalid("The deadline is in the past.", field="deadline")
    category_id = await active_category_id(data.category)
    async with transaction():
        if not await Project.exists().where(Project.id == project_id):
            raise NotFound("No project {id}.", field="project_id", id=project_id)
        await check_location(project_id, data.building_id, data.dwelling_id)
        await check_contractor(data.responsible_org_id, "responsible_org_id")
        values = {
            "project": project_id,
            "building": data.building_id,
            "dwelling": data.dwelling_id,
            "part": data.part.strip(),
            "location": data.location.strip(),
            "kind": data.kind.value,
            "category": category_id,
            "severity": data.severity.value,
            "description": data.description.strip(),
            "responsible_org": data.responsible_org_id,
            "inspecting_org": inspecting_org,
            "deadline": data.deadline,
            "report": report_id,
            "filed_by": actor.id,
        }
        issue_id = (await Issue.insert(Issue(**values)).returning(Issue.id))[0]["id"]
        await IssueEvent.insert(
            IssueEvent(issue=issue_id, action="file", from_status=None, to_status=IssueStatus.open.value,
                       actor=actor.id, deadline=data.deadline)
        )
        if report_id is not None:
            await DefectReport.update(
                {DefectReport.status: ReportStatus.accepted.value, DefectReport.decided_by: actor.id,
                 DefectReport.decided_at: clock.now()}
            ).where(DefectReport.id == report_id)
        await audit.record(actor, "issue.file", "issue", issue_id, {**values, "category": data.category})
    return await get_issue(actor, issue_id)


async def move(actor: Actor, row: dict, action: IssueAction, *, note: str = "", **changes) -> IssueStatus:
    """Move one issue through the state machine: checks role, organisation and state; records the event."""
    target = workflow.transition(row["status"], action, actor.role)
    if actor.role in INSPECTING and row["inspecting_org"] != actor.organisation_id:
        raise Forbidden("Only the inspecting organisation may {action} this issue.", rule="inspecting_org_only",
                        action=action.value)
    if actor.role in CONTRACTING and row["responsible_org"] != actor.organisation_id:
        raise Forbidden("This issue is not addressed to your organisation.", rule="contractor_own_org")
    updates = {"status": target.value, "updated_at": clock.now(), **changes}
    if target in workflow.FINAL:
        updates["closed_at"] = clock.now()
        updates["overdue"] = False
    moved = await Issue.update(updates).where(Issue.id == row["id"], Issue.status == row["status"]).returning(Issue.id)
    if not moved:  # another request moved it between our read and this write
        raise Conflict("Issue {id} changed meanwhile; reload it and try again.", rule="issue_changed", id=row["id"])
    await IssueEvent.insert(
        IssueEvent(
            issue=row["id"], action=action.value, from_status=row["status"], to_status=target.value, actor=actor.id,
            note=note, deadline=changes.get("deadline"), round=changes.get("round", row["round"]),
        )
    )
    row.update(updates)
    return target


async def issue_print(row: dict) -> dict:
    """What a printed document shows of an issue, photos inlined so the snapshot stands alone."""
    photos = await Photo.select(Photo.thumb_path, Photo.purpose, Photo.round).where(Photo.issue == row["id"]).order_by(
        Photo.id
    )
    return {
        "id": row["id"],
        "place": place(row),
        "category": row["category_name"],
        "severity": row["severity"],
        "kind": row["kind"],
        "description": row["description"],
        "deadline": printed_date(row["deadline"]),
        "photos": [await photo_store.thumb_data_uri(p["thumb_path"]) for p in photos if p["purpose"] == "finding"],
        "evidence": [await photo_store.thumb_data_uri(p["thumb_path"]) for p in photos
                     if p["purpose"] == "evidence" and p["round"] == row["round"]],
    }
