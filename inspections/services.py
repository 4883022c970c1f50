"""Quality supervision rules: issues and their loop, notices, replies and rechecks, stop-work and
resumption orders, resident reports, the ledger and the dashboard."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import msgspec

from inspections import access
from inspections import photos as photo_store
from inspections import workflow
from inspections.kinds import (
    NOTICE_TITLES,
    SERIES_PREFIX,
    STOP_CAUSE_TEXT,
    IssueAction,
    IssueStatus,
    NoticeSeries,
    NoticeStatus,
    RecheckResult,
    ReportStatus,
    ResumptionStatus,
    Severity,
    StopScope,
    StopStatus,
)
from inspections.schemas import (
    CategoryIn,
    CategoryOut,
    EventOut,
    IssueIn,
    IssueOut,
    NoticeIn,
    NoticeOut,
    NoticeVoidIn,
    OpinionIn,
    PhotoOut,
    RecheckIn,
    ReplyIn,
    ReplyItemIn,
    ReplyItemOut,
    ReplyOut,
    ReportIn,
    ReportOut,
    ResumptionApplyIn,
    ResumptionOrderIn,
    ResumptionOut,
    StopStatusOut,
    StopWorkIn,
    StopWorkOut,
)
from inspections.tables import (
    DefectCategory,
    DefectReport,
    Issue,
    IssueEvent,
    Notice,
    NoticeIssue,
    Photo,
    Reply,
    ReplyItem,
    ResumptionApplication,
    ResumptionOrder,
    StopWorkIssue,
    StopWorkOrder,
)
from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import CONTRACTING, INSPECTING, STOP_STATUS_READERS, OrganisationKind, Role
from tracker.accounts.tables import Organisation
from tracker.db import is_postgres, transaction
from tracker.documents import numbering
from tracker.documents import services as documents
from tracker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tracker.register.tables import Building, Dwelling, Project

CATALOGUE_FILE = Path(__file__).parent / "catalogue.json"
RESOLVED = (IssueStatus.verified.value, IssueStatus.void.value)
now = clock.now
today = clock.today  # deadlines are site dates: the date in TIME_ZONE


def _local(at: dt.datetime | None) -> str:
    return clock.local(at).strftime("%Y年%m月%d日 %H:%M") if at else ""


def _cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# ---------------------------------------------------------------- access


def _require_org(actor: Actor) -> int:
    if actor.organisation_id is None:
        raise Forbidden("Your account belongs to no organisation.", rule="organisation_required")
    return actor.organisation_id


# Who may read what is decided in `inspections.access`; these names keep the services short.
_check_project = access.check_project
_check_issue_visible = access.check_issue
_check_notice_visible = access.check_notice
_check_stop_visible = access.check_stop_work


# ---------------------------------------------------------------- catalogue


async def ensure_catalogue() -> None:
    """Seed the defect catalogue from the shipped file the first time it is needed."""
    if await DefectCategory.exists():
        return
    for position, item in enumerate(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))):
        await DefectCategory.raw(
            "INSERT INTO defect_category (code, name, kind, active, position) VALUES ({}, {}, {}, {}, {}) "
            "ON CONFLICT DO NOTHING",
            item["code"], item["name"], item["kind"], True, position,
        )


def _category_out(row: dict) -> CategoryOut:
    return CategoryOut(
        id=row["id"], code=row["code"], name=row["name"], kind=row["kind"], active=row["active"],
        position=row["position"],
    )


async def list_categories(include_inactive: bool = False) -> list[CategoryOut]:
    await ensure_catalogue()
    query = DefectCategory.select().order_by(DefectCategory.position).order_by(DefectCategory.id)
    if not include_inactive:
        query = query.where(DefectCategory.active.eq(True))
    return [_category_out(r) for r in await query]


async def save_category(actor: Actor, data: CategoryIn) -> CategoryOut:
    """Add a catalogue entry or change one (by code); entries in use are retired, never deleted."""
    await ensure_catalogue()
    async with transaction():
        values = msgspec.structs.asdict(data)
        values["kind"] = data.kind.value
        existing = await DefectCategory.select(DefectCategory.id).where(DefectCategory.code == data.code)
        if existing:
            await DefectCategory.update(values).where(DefectCategory.id == existing[0]["id"])
            category_id = existing[0]["id"]
        else:
            category_id = (await DefectCategory.insert(DefectCategory(**values)).returning(DefectCategory.id))[0]["id"]
        await audit.record(actor, "defect_category.save", "defect_category", category_id, values)
    return _category_out((await DefectCategory.select().where(DefectCategory.id == category_id))[0])


async def _category_id(code: str) -> int:
    await ensure_catalogue()
    rows = await DefectCategory.select(DefectCategory.id, DefectCategory.active).where(DefectCategory.code == code)
    if not rows or not rows[0]["active"]:
        raise Invalid("No defect category {code!r} in the catalogue.", field="category", code=code)
    return rows[0]["id"]


# ---------------------------------------------------------------- issue rows and output


ISSUE_COLUMNS = (
    *Issue.all_columns(),
    Issue.category.code.as_alias("category_code"),
    Issue.category.name.as_alias("category_name"),
    Issue.responsible_org.name.as_alias("responsible_org_name"),
    Issue.building.name.as_alias("building_name"),
    Issue.dwelling.number.as_alias("dwelling_number"),
    Issue.notice.number_text.as_alias("notice_number"),
)


def _issue_select():
    return Issue.select(*ISSUE_COLUMNS)


async def _issue_row(issue_id: int) -> dict:
    rows = await _issue_select().where(Issue.id == issue_id)
    if not rows:
        raise NotFound("No issue {id}.", field="issue_id", id=issue_id)
    return rows[0]


def _photo_out(row: dict) -> PhotoOut:
    return PhotoOut(
        id=row["id"], purpose=row["purpose"], round=row["round"], content_type=row["content_type"],
        size=row["size"], url=f"/api/v1/inspections/photos/{row['id']}",
        thumb_url=f"/api/v1/inspections/photos/{row['id']}?thumb=1",
    )


class StopIndex:
    """Which projects and buildings are stopped, read once per request; for a contractor, by the orders
    addressed to it (an order stops the work of the contractor it is addressed to)."""

    def __init__(self, orders: list[dict]):
        self.projects = {o["project"] for o in orders if o["scope"] == StopScope.project}
        self.buildings = {o["building"] for o in orders if o["scope"] == StopScope.building}

    @classmethod
    async def load(cls, actor: Actor, project_ids: list[int] | None = None) -> StopIndex:
        query = StopWorkOrder.select(StopWorkOrder.project, StopWorkOrder.scope, StopWorkOrder.building).where(
            StopWorkOrder.status == StopStatus.in_force.value, *access.stop_work_scope(actor)
        )
        if project_ids is not None:
            if not project_ids:
                return cls([])
            query = query.where(StopWorkOrder.project.is_in(project_ids))
        return cls(await query)

    def stopped(self, project_id: int, building_id: int | None) -> bool:
        return project_id in self.projects or (building_id is not None and building_id in self.buildings)


def _issue_out(row: dict, stops: StopIndex, photos: list[PhotoOut] | None = None,
               events: list[EventOut] | None = None) -> IssueOut:
    status = IssueStatus(row["status"])
    return IssueOut(
        id=row["id"],
        project_id=row["project"],
        building_id=row["building"],
        building=row["building_name"],
        dwelling_id=row["dwelling"],
        dwelling=row["dwelling_number"],
        part=row["part"],
        location=row["location"],
        kind=row["kind"],
        category=row["category_code"],
        category_name=row["category_name"],
        severity=row["severity"],
        description=row["description"],
        responsible_org_id=row["responsible_org"],
        responsible_org=row["responsible_org_name"],
        inspecting_org_id=row["inspecting_org"],
        deadline=row["deadline"],
        status=status,
        ball=workflow.ball(status),
        allowed_actions=[a.value for a in workflow.allowed_from(status)],
        round=row["round"],
        rejections=row["rejections"],
        overdue=bool(row["overdue"]) or (status not in workflow.FINAL and row["deadline"] < today()),
        escalated=row["escalated_at"] is not None,
        notice_id=row["notice"],
        notice_number=row["notice_number"],
        stopped=stops.stopped(row["project"], row["building"]),
        created_at=row["created_at"],
        closed_at=row["closed_at"],
        photos=photos or [],
        events=events or [],
    )


async def get_issue(actor: Actor, issue_id: int) -> IssueOut:
    row = await _issue_row(issue_id)
    _check_issue_visible(actor, row)
    return (await _issues_out(actor, [row]))[0]


async def get_issues(actor: Actor, issue_ids: list[int]) -> dict[int, IssueOut | None]:
    """Several issues in four queries (a notice's or an order's): None for one the actor may not see."""
    rows = await _issue_select().where(Issue.id.is_in(list(issue_ids))) if issue_ids else []
    visible = []
    for row in rows:
        try:
            _check_issue_visible(actor, row)
            visible.append(row)
        except DomainError:
            pass
    out: dict[int, IssueOut | None] = {row["id"]: None for row in rows}
    out.update({issue.id: issue for issue in await _issues_out(actor, visible)})
    return out


async def _issues_out(actor: Actor, rows: list[dict]) -> list[IssueOut]:
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    photos: dict[int, list[PhotoOut]] = defaultdict(list)
    for p in await Photo.select().where(Photo.issue.is_in(ids)).order_by(Photo.id):
        photos[p["issue"]].append(_photo_out(p))
    events: dict[int, list[EventOut]] = defaultdict(list)
    for e in await IssueEvent.select(
        *IssueEvent.all_columns(), IssueEvent.actor.display_name.as_alias("actor_name")
    ).where(IssueEvent.issue.is_in(ids)).order_by(IssueEvent.id):
        events[e["issue"]].append(EventOut(
            action=e["action"], from_status=e["from_status"], to_status=e["to_status"], actor=e["actor_name"],
            at=e["at"], note=e["note"], deadline=e["deadline"], round=e["round"],
        ))
    stops = await StopIndex.load(actor, sorted({row["project"] for row in rows}))
    return [_issue_out(row, stops, photos[row["id"]], events[row["id"]]) for row in rows]


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


def _issue_conditions(actor: Actor, project_id: int, f: IssueFilter) -> list:
    conditions: list = [Issue.project == project_id, *access.issue_scope(actor)]
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
        late = Issue.status.not_in(list(RESOLVED)) & (Issue.deadline < today())
        if f.overdue:
            conditions.append(late)
        else:
            conditions.append(Issue.status.is_in(list(RESOLVED)) | (Issue.deadline >= today()))
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
    conditions = _issue_conditions(actor, project_id, f)
    total = await Issue.count().where(*conditions)
    rows = await _issue_select().where(*conditions).order_by(Issue.id, ascending=False).offset(f.offset).limit(f.limit)
    stops = await StopIndex.load(actor, [project_id])
    return [_issue_out(r, stops) for r in rows], total


# ---------------------------------------------------------------- filing and moving issues


async def _check_location(project_id: int, building_id: int | None, dwelling_id: int | None) -> None:
    if building_id is not None and not await Building.exists().where(
        Building.id == building_id, Building.project == project_id
    ):
        raise NotFound("No building {id} in this project.", field="building_id", id=building_id)
    if dwelling_id is not None:
        rows = await Dwelling.select(Dwelling.building).where(Dwelling.id == dwelling_id, Dwelling.project == project_id)
        if not rows:
            raise NotFound("No dwelling {id} in this project.", field="dwelling_id", id=dwelling_id)
        if building_id is not None and rows[0]["building"] != building_id:
            raise Invalid("The dwelling is not in that building.", field="dwelling_id")


async def _check_contractor(org_id: int, field: str) -> None:
    rows = await Organisation.select(Organisation.kind).where(Organisation.id == org_id)
    if not rows:
        raise NotFound("No organisation {id}.", field=field, id=org_id)
    if rows[0]["kind"] != OrganisationKind.contractor:
        raise Invalid("The responsible organisation must be a contractor.", field=field)


async def file_issue(actor: Actor, project_id: int, data: IssueIn, *, report_id: int | None = None) -> IssueOut:
    """An inspector files an issue found on site (问题), open until a notice puts it to the contractor."""
    _check_project(actor, project_id)
    inspecting_org = _require_org(actor)
    if data.deadline < today():
        raise Invalid("The deadline is in the past.", field="deadline")
    category_id = await _category_id(data.category)
    async with transaction():
        if not await Project.exists().where(Project.id == project_id):
            raise NotFound("No project {id}.", field="project_id", id=project_id)
        await _check_location(project_id, data.building_id, data.dwelling_id)
        await _check_contractor(data.responsible_org_id, "responsible_org_id")
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
                 DefectReport.decided_at: now()}
            ).where(DefectReport.id == report_id)
        await audit.record(actor, "issue.file", "issue", issue_id, {**values, "category": data.category})
    return await get_issue(actor, issue_id)


async def _move(actor: Actor, row: dict, action: IssueAction, *, note: str = "", **changes) -> IssueStatus:
    """Move one issue through the state machine: checks role, organisation and state; records the event."""
    target = workflow.transition(row["status"], action, actor.role)
    if actor.role in INSPECTING and row["inspecting_org"] != actor.organisation_id:
        raise Forbidden("Only the inspecting organisation may {action} this issue.", rule="inspecting_org_only",
                        action=action.value)
    if actor.role in CONTRACTING and row["responsible_org"] != actor.organisation_id:
        raise Forbidden("This issue is not addressed to your organisation.", rule="contractor_own_org")
    updates = {"status": target.value, "updated_at": now(), **changes}
    if target in workflow.FINAL:
        updates["closed_at"] = now()
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


async def void_issue(actor: Actor, issue_id: int, reason: str) -> IssueOut:
    async with transaction():
        row = await _issue_row(issue_id)
        _check_issue_visible(actor, row)
        if not reason.strip():
            raise Invalid("A reason is required to void an issue.", field="reason")
        await _move(actor, row, IssueAction.void, note=reason.strip())
        if row["notice"]:
            await _close_notice_if_done(actor, row["notice"])
        await audit.record(actor, "issue.void", "issue", issue_id, {"reason": reason.strip()})
    return await get_issue(actor, issue_id)


# ---------------------------------------------------------------- photos


async def add_photo(actor: Actor, issue_id: int, data: bytes) -> PhotoOut:
    """An inspector's photo of the finding, or the contractor's evidence photo while rectifying."""
    row = await _issue_row(issue_id)
    _check_issue_visible(actor, row)
    if actor.role is Role.contractor:
        if row["status"] != IssueStatus.rectifying:
            raise Conflict("Evidence photos are added while the issue is being rectified (it is {status}).",
                           field="status", rule="evidence_while_rectifying", status=row["status"])
        purpose = "evidence"
    elif actor.role in INSPECTING:
        if row["status"] in workflow.FINAL:
            raise Conflict("The issue is {status}; no more photos.", field="status", rule="issue_final",
                           status=row["status"])
        purpose = "finding"
    else:
        raise Forbidden("Only inspectors and the responsible contractor add photos.", rule="photo_role")
    stored = await photo_store.store(data)
    async with transaction():
        photo_id = await _insert_photo(actor, row["project"], stored, purpose, issue=issue_id, round=row["round"])
        await audit.record(actor, "issue.photo", "issue", issue_id,
                           {"photo_id": photo_id, "purpose": purpose, "sha256": stored.sha256})
    return _photo_out((await Photo.select().where(Photo.id == photo_id))[0])


async def _insert_photo(actor: Actor, project_id: int, stored: photo_store.Stored, purpose: str, **links) -> int:
    photo = Photo(
        project=project_id, purpose=purpose, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, path=stored.path, thumb_path=stored.thumb_path, uploaded_by=actor.id, **links,
    )
    return (await Photo.insert(photo).returning(Photo.id))[0]["id"]


async def photo_file(actor: Actor, photo_id: int, thumb: bool) -> tuple[bytes, str]:
    rows = await Photo.select().where(Photo.id == photo_id)
    if not rows:
        raise NotFound("No photo {id}.", field="photo_id", id=photo_id)
    photo = rows[0]
    if photo["issue"] is not None:
        _check_issue_visible(actor, await _issue_row(photo["issue"]))
    else:
        await _report_visible(actor, photo["report"])
    path = photo["thumb_path"] if thumb else photo["path"]
    return photo_store.read(path), ("image/jpeg" if thumb else photo["content_type"])


# ---------------------------------------------------------------- resident reports


async def _report_row(report_id: int) -> dict:
    rows = await DefectReport.select().where(DefectReport.id == report_id)
    if not rows:
        raise NotFound("No report {id}.", field="report_id", id=report_id)
    return rows[0]


async def _report_visible(actor: Actor, report_id: int) -> dict:
    row = await _report_row(report_id)
    access.check_report(actor, row)
    return row


async def _report_out(row: dict) -> ReportOut:
    issue = await Issue.select(Issue.id).where(Issue.report == row["id"])
    photos = [_photo_out(p) for p in await Photo.select().where(Photo.report == row["id"]).order_by(Photo.id)]
    return ReportOut(
        id=row["id"], project_id=row["project"], description=row["description"], location=row["location"],
        building_id=row["building"], dwelling_id=row["dwelling"], status=row["status"],
        decline_reason=row["decline_reason"], issue_id=issue[0]["id"] if issue else None,
        created_at=row["created_at"], photos=photos,
    )


async def report_defect(actor: Actor, project_id: int, data: ReportIn) -> ReportOut:
    """A resident reports a defect; an inspector accepts it into an issue or declines it."""
    _check_project(actor, project_id)
    async with transaction():
        await _check_location(project_id, data.building_id, data.dwelling_id)
        values = {"project": project_id, "reported_by": actor.id, "building": data.building_id,
                  "dwelling": data.dwelling_id, "location": data.location.strip(),
                  "description": data.description.strip()}
        report_id = (await DefectReport.insert(DefectReport(**values)).returning(DefectReport.id))[0]["id"]
        await audit.record(actor, "report.create", "defect_report", report_id, values)
    return await _report_out(await _report_row(report_id))


async def add_report_photo(actor: Actor, report_id: int, data: bytes) -> PhotoOut:
    row = await _report_visible(actor, report_id)
    if row["reported_by"] != actor.id:
        raise Forbidden("Only the reporter adds photos to a report.", rule="reporter_only")
    stored = await photo_store.store(data)
    async with transaction():
        photo_id = await _insert_photo(actor, row["project"], stored, "report", report=report_id)
        await audit.record(actor, "report.photo", "defect_report", report_id, {"photo_id": photo_id})
    return _photo_out((await Photo.select().where(Photo.id == photo_id))[0])


async def list_reports(actor: Actor, project_id: int) -> list[ReportOut]:
    access.check_reports(actor, project_id)
    query = DefectReport.select().where(DefectReport.project == project_id).order_by(DefectReport.id, ascending=False)
    if actor.role is Role.resident:
        query = query.where(DefectReport.reported_by == actor.id)
    return [await _report_out(r) for r in await query]


async def get_report(actor: Actor, report_id: int) -> ReportOut:
    return await _report_out(await _report_visible(actor, report_id))


async def accept_report(actor: Actor, report_id: int, data: IssueIn) -> IssueOut:
    async with transaction():
        row = await _report_visible(actor, report_id)
        if row["status"] != ReportStatus.pending:
            raise Conflict("Report {id} is already {status}.", field="status", rule="report_decided",
                           id=report_id, status=row["status"])
        issue = await file_issue(actor, row["project"], data, report_id=report_id)
        await Photo.update({Photo.issue: issue.id}).where(Photo.report == report_id)
    return await get_issue(actor, issue.id)


async def decline_report(actor: Actor, report_id: int, reason: str) -> ReportOut:
    async with transaction():
        row = await _report_visible(actor, report_id)
        if row["status"] != ReportStatus.pending:
            raise Conflict("Report {id} is already {status}.", field="status", rule="report_decided",
                           id=report_id, status=row["status"])
        await DefectReport.update(
            {DefectReport.status: ReportStatus.declined.value, DefectReport.decline_reason: reason.strip(),
             DefectReport.decided_by: actor.id, DefectReport.decided_at: now()}
        ).where(DefectReport.id == report_id)
        await audit.record(actor, "report.decline", "defect_report", report_id, {"reason": reason.strip()})
    return await _report_out(await _report_row(report_id))


# ---------------------------------------------------------------- notices


def _number_text(project_code: str, series: str, year: int, number: int) -> str:
    return f"{project_code}-{SERIES_PREFIX[series]}-{year}-{number:03d}"


async def _org_name(org_id: int | None) -> str:
    if org_id is None:
        return ""
    rows = await Organisation.select(Organisation.name).where(Organisation.id == org_id)
    return rows[0]["name"] if rows else ""


async def _project(project_id: int) -> dict:
    rows = await Project.select().where(Project.id == project_id)
    if not rows:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    return rows[0]


def _place(row: dict) -> str:
    parts = [row.get("building_name") or "", row.get("dwelling_number") or "", row["part"], row["location"]]
    return " ".join(p for p in parts if p) or "—"


async def issue_notice(actor: Actor, project_id: int, data: NoticeIn) -> NoticeOut:
    """Issue a numbered notice putting open issues to their contractor (监理通知单 A.0.3 or a station series)."""
    _check_project(actor, project_id)
    issuing_org = _require_org(actor)
    if data.deadline < today():
        raise Invalid("The deadline is in the past.", field="deadline")
    if len(set(data.issue_ids)) != len(data.issue_ids):
        raise Invalid("An issue is listed twice.", field="issue_ids")
    async with transaction():
        project = await _project(project_id)
        rows = await _issue_select().where(Issue.id.is_in(data.issue_ids)).order_by(Issue.id)
        missing = sorted(set(data.issue_ids) - {r["id"] for r in rows})
        if missing:
            raise NotFound("No issue {id}.", field="issue_ids", id=missing[0])
        for row in rows:
            if row["project"] != project_id:
                raise Invalid("Issue {id} belongs to another project.", field="issue_ids", id=row["id"])
        orgs = {r["responsible_org"] for r in rows}
        if len(orgs) != 1:
            raise Invalid("A notice is addressed to one contractor; these issues belong to several.",
                          field="issue_ids", rule="one_addressee")
        if any(r["severity"] == Severity.major for r in rows) and actor.role is not Role.chief_inspector:
            raise Forbidden("A notice on a major (重大) issue needs the chief inspector.", rule="major_needs_chief",
                            field="issue_ids")
        addressed_org = orgs.pop()
        year = today().year
        number = await numbering.next_number(project_id, data.series.value, year)
        number_text = _number_text(project["code"], data.series.value, year, number)
        for row in rows:
            await _move(actor, row, IssueAction.notify, deadline=data.deadline, round=max(row["round"], 1),
                        overdue=False)
        title = NOTICE_TITLES[data.series]
        context = {
            "project_name": project["name"],
            "series": data.series.value,
            "addressee": await _org_name(addressed_org),
            "issuer": await _org_name(issuing_org),
            "subject": data.subject,
            "content": data.content,
            "requirements": data.requirements,
            "deadline": _cn_date(data.deadline),
            "date": _cn_date(today()),
            "chief_required": any(r["severity"] == Severity.major for r in rows),
            "issues": [await _issue_print(r) for r in rows],
        }
        document = await documents.issue_document(
            actor, project_id=project_id, kind=f"notice.{data.series.value}", series=data.series.value,
            number_text=number_text, title=title, template="inspections/notice.html", context=context,
        )
        notice_id = (
            await Notice.insert(
                Notice(project=project_id, series=data.series.value, year=year, number=number,
                       number_text=number_text, addressed_org=addressed_org, issuing_org=issuing_org,
                       subject=data.subject, content=data.content, requirements=data.requirements,
                       deadline=data.deadline, document=document["id"], issued_by=actor.id)
            ).returning(Notice.id)
        )[0]["id"]
        for row in rows:
            await NoticeIssue.insert(NoticeIssue(notice=notice_id, issue=row["id"]))
        await Issue.update({Issue.notice: notice_id}).where(Issue.id.is_in(data.issue_ids))
        await audit.record(
            actor, "notice.issue", "notice", notice_id,
            {"number": number_text, "series": data.series.value, "issue_ids": data.issue_ids,
             "deadline": data.deadline, "document_id": document["id"]},
        )
    return await get_notice(actor, notice_id)


async def _issue_print(row: dict) -> dict:
    """What a printed document shows of an issue, photos inlined so the snapshot stands alone."""
    photos = await Photo.select(Photo.thumb_path, Photo.purpose, Photo.round).where(Photo.issue == row["id"]).order_by(
        Photo.id
    )
    return {
        "id": row["id"],
        "place": _place(row),
        "category": row["category_name"],
        "severity": row["severity"],
        "kind": row["kind"],
        "description": row["description"],
        "deadline": _cn_date(row["deadline"]),
        "photos": [await photo_store.thumb_data_uri(p["thumb_path"]) for p in photos if p["purpose"] == "finding"],
        "evidence": [await photo_store.thumb_data_uri(p["thumb_path"]) for p in photos
                     if p["purpose"] == "evidence" and p["round"] == row["round"]],
    }


async def _notice_row(notice_id: int) -> dict:
    rows = await Notice.select(*Notice.all_columns(), Notice.addressed_org.name.as_alias("addressed_org_name")).where(
        Notice.id == notice_id
    )
    if not rows:
        raise NotFound("No notice {id}.", field="notice_id", id=notice_id)
    return rows[0]


async def _replies(notice_row: dict) -> list[ReplyOut]:
    replies = await Reply.select().where(Reply.notice == notice_row["id"]).order_by(Reply.id)
    if not replies:
        return []
    items = await ReplyItem.select().where(ReplyItem.reply.is_in([r["id"] for r in replies])).order_by(ReplyItem.id)
    evidence = defaultdict(list)
    issue_ids = list({i["issue"] for i in items})
    for p in await Photo.select().where(Photo.issue.is_in(issue_ids), Photo.purpose == "evidence").order_by(Photo.id):
        evidence[(p["issue"], p["round"])].append(_photo_out(p))
    by_reply = defaultdict(list)
    for i in items:
        by_reply[i["reply"]].append(
            ReplyItemOut(issue_id=i["issue"], round=i["round"], explanation=i["explanation"], result=i["result"],
                         opinion=i["opinion"], rechecked_at=i["rechecked_at"],
                         photos=evidence[(i["issue"], i["round"])])
        )
    return [
        ReplyOut(id=r["id"], notice_id=notice_row["id"], number=f"{notice_row['number_text']}-HF{k}",
                 statement=r["statement"], submitted_at=r["submitted_at"], items=by_reply[r["id"]])
        for k, r in enumerate(replies, start=1)
    ]


async def get_notice(actor: Actor, notice_id: int) -> NoticeOut:
    row = await _notice_row(notice_id)
    _check_notice_visible(actor, row)
    issue_ids = [r["issue"] for r in await NoticeIssue.select(NoticeIssue.issue).where(
        NoticeIssue.notice == notice_id).order_by(NoticeIssue.issue)]
    return NoticeOut(
        id=row["id"], project_id=row["project"], series=row["series"], number=row["number_text"],
        title=NOTICE_TITLES[NoticeSeries(row["series"])], addressed_org_id=row["addressed_org"],
        addressed_org=row["addressed_org_name"], subject=row["subject"], content=row["content"],
        requirements=row["requirements"], deadline=row["deadline"], status=row["status"],
        void_reason=row["void_reason"], superseded_by=row["superseded_by"], document_id=row["document"],
        issued_at=row["issued_at"], closed_at=row["closed_at"], issue_ids=issue_ids,
        replies=await _replies(row),
    )


async def list_notices(actor: Actor, project_id: int, status: NoticeStatus | None = None) -> list[NoticeOut]:
    access.check_inspections(actor, project_id)
    query = Notice.select(Notice.id).where(Notice.project == project_id, *access.notice_scope(actor)).order_by(
        Notice.id, ascending=False)
    if status:
        query = query.where(Notice.status == status.value)
    return [await get_notice(actor, r["id"]) for r in await query]


async def void_notice(actor: Actor, notice_id: int, data: NoticeVoidIn) -> NoticeOut:
    """Void an issued notice with a reason (作废); its unresolved issues go back to open, or onto the
    replacement notice issued in the same transaction under a new number (superseded)."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("A reason is required to void a notice.", field="reason")
    async with transaction():
        row = await _notice_row(notice_id)
        _check_notice_visible(actor, row)
        if actor.role not in INSPECTING or row["issuing_org"] != actor.organisation_id:
            raise Forbidden("Only the issuing organisation may void its notice.", rule="issuing_org_only")
        if row["status"] != NoticeStatus.issued:
            raise Conflict("Notice {number} is {status}; only an issued notice can be voided.", field="status",
                           rule="notice_not_issued", number=row["number_text"], status=row["status"])
        for issue in await _issue_select().where(Issue.notice == notice_id):
            if issue["status"] not in RESOLVED:
                await _move(actor, issue, IssueAction.withdraw, note=reason, notice=None)
        successor = None
        if data.replacement is not None:
            successor = await issue_notice(actor, row["project"], data.replacement)
        await Notice.update(
            {Notice.status: NoticeStatus.voided.value, Notice.void_reason: reason,
             Notice.superseded_by: successor.id if successor else None}
        ).where(Notice.id == notice_id)
        await documents.void_document(actor, row["document"], reason, successor.document_id if successor else None)
        await audit.record(actor, "notice.void", "notice", notice_id,
                           {"number": row["number_text"], "reason": reason,
                            "superseded_by": successor.number if successor else None})
    return await get_notice(actor, notice_id)


async def _close_notice_if_done(actor: Actor, notice_id: int) -> bool:
    """A notice closes when every issue on it is verified (void ones do not hold it open); the reply
    form with its rechecks is then frozen as an issued document, so its PDF never changes either."""
    notice = await _notice_row(notice_id)
    if notice["status"] != NoticeStatus.issued:
        return False
    ids = [r["issue"] for r in await NoticeIssue.select(NoticeIssue.issue).where(NoticeIssue.notice == notice_id)]
    statuses = [r["status"] for r in await Issue.select(Issue.status).where(Issue.id.is_in(ids))]
    if IssueStatus.verified.value not in statuses or any(s not in RESOLVED for s in statuses):
        return False
    await Notice.update({Notice.status: NoticeStatus.closed.value, Notice.closed_at: now()}).where(
        Notice.id == notice_id
    )
    await documents.issue_document(
        actor, project_id=notice["project"], kind="notice_reply", series="reply",
        number_text=reply_number(notice["number_text"]), title="监理通知回复单", template="inspections/reply.html",
        context=await reply_print_context(actor, notice_id),
    )
    return True


def reply_number(notice_number: str) -> str:
    return f"{notice_number}-HF"


async def frozen_reply_document(notice_id: int) -> int | None:
    """The issued reply form of a closed notice, if it has been frozen."""
    from tracker.documents.tables import IssuedDocument

    notice = await _notice_row(notice_id)
    rows = await IssuedDocument.select(IssuedDocument.id).where(
        IssuedDocument.project == notice["project"], IssuedDocument.series == "reply",
        IssuedDocument.number_text == reply_number(notice["number_text"]),
    )
    return rows[0]["id"] if rows else None


# ---------------------------------------------------------------- replies and rechecks


async def submit_reply(actor: Actor, notice_id: int, data: ReplyIn) -> ReplyOut:
    """The contractor's reply (监理通知回复单 B.0.9): the listed issues are reported fixed, with evidence."""
    async with transaction():
        notice = await _notice_row(notice_id)
        _check_notice_visible(actor, notice)
        if notice["status"] != NoticeStatus.issued:
            raise Conflict("Notice {number} is {status}; it takes no replies.", field="status",
                           rule="notice_not_issued", number=notice["number_text"], status=notice["status"])
        ids = [i.issue_id for i in data.items]
        if len(set(ids)) != len(ids):
            raise Invalid("An issue is listed twice.", field="items")
        rows = {r["id"]: r for r in await _issue_select().where(Issue.id.is_in(ids))}
        for item in data.items:
            row = rows.get(item.issue_id)
            if row is None or row["notice"] != notice_id:
                raise Invalid("Issue {id} is not on notice {number}.", field="items", id=item.issue_id,
                              number=notice["number_text"])
            await _move(actor, row, IssueAction.submit, note=item.explanation)
        reply_id = (await Reply.insert(
            Reply(notice=notice_id, project=notice["project"], statement=data.statement, submitted_by=actor.id)
        ).returning(Reply.id))[0]["id"]
        for item in data.items:
            await ReplyItem.insert(ReplyItem(reply=reply_id, issue=item.issue_id, round=rows[item.issue_id]["round"],
                                             explanation=item.explanation))
        await audit.record(actor, "notice.reply", "notice", notice_id,
                           {"reply_id": reply_id, "issue_ids": ids, "statement": data.statement})
    return next(r for r in (await get_notice(actor, notice_id)).replies if r.id == reply_id)


async def submit_issue(actor: Actor, issue_id: int, explanation: str) -> IssueOut:
    """Report one issue fixed: a reply to its notice covering that issue alone."""
    row = await _issue_row(issue_id)
    _check_issue_visible(actor, row)
    if row["notice"] is None:
        workflow.transition(row["status"], IssueAction.submit, actor.role)
        raise Conflict("Issue {id} is on no notice.", field="notice", id=issue_id)
    await submit_reply(actor, row["notice"], ReplyIn(items=[ReplyItemIn(issue_id=issue_id, explanation=explanation)]))
    return await get_issue(actor, issue_id)


async def record_recheck(actor: Actor, issue_id: int, result: RecheckResult, data: RecheckIn) -> IssueOut:
    """The inspector's recheck (复查意见) of a submitted issue: verified and closed (销号), or rejected
    back to rectification with a new deadline, the round counted."""
    action = IssueAction.verify if result is RecheckResult.verified else IssueAction.reject
    async with transaction():
        row = await _issue_row(issue_id)
        _check_issue_visible(actor, row)
        workflow.transition(row["status"], action, actor.role)  # refuse early, before anything is written
        changes: dict = {}
        if action is IssueAction.reject:
            if data.deadline is None:
                raise Invalid("A rejected issue needs a new deadline.", field="deadline")
            if data.deadline < today():
                raise Invalid("The deadline is in the past.", field="deadline")
            changes = {"deadline": data.deadline, "round": row["round"] + 1, "rejections": row["rejections"] + 1,
                       "overdue": False}
        await _move(actor, row, action, note=data.opinion, **changes)
        pending = await ReplyItem.select(ReplyItem.id).where(
            ReplyItem.issue == issue_id, ReplyItem.result.is_null()
        ).order_by(ReplyItem.id, ascending=False).limit(1)
        if pending:
            await ReplyItem.update(
                {ReplyItem.result: result.value, ReplyItem.opinion: data.opinion, ReplyItem.rechecked_by: actor.id,
                 ReplyItem.rechecked_at: now()}
            ).where(ReplyItem.id == pending[0]["id"])
        closed = await _close_notice_if_done(actor, row["notice"]) if row["notice"] else False
        await audit.record(actor, f"issue.{action.value}", "issue", issue_id,
                           {"opinion": data.opinion, **changes, "notice_closed": closed})
    return await get_issue(actor, issue_id)


# ---------------------------------------------------------------- stop work and resumption


async def _stop_row(order_id: int) -> dict:
    rows = await StopWorkOrder.select(
        *StopWorkOrder.all_columns(), StopWorkOrder.building.name.as_alias("building_name")
    ).where(StopWorkOrder.id == order_id)
    if not rows:
        raise NotFound("No stop-work order {id}.", field="order_id", id=order_id)
    return rows[0]


async def _linked_open_issues(order_id: int) -> list[int]:
    links = await StopWorkIssue.select(StopWorkIssue.issue).where(StopWorkIssue.stop_order == order_id)
    if not links:
        return []
    rows = await Issue.select(Issue.id).where(
        Issue.id.is_in([r["issue"] for r in links]), Issue.status.not_in(list(RESOLVED))
    ).order_by(Issue.id)
    return [r["id"] for r in rows]


async def _refuse_while_open(order: dict) -> None:
    open_ids = await _linked_open_issues(order["id"])
    if open_ids:
        error = Conflict(
            "Work cannot resume under {number}: issues {ids} are not verified yet.", field="issue_ids",
            rule="open_issues", number=order["number_text"], ids=", ".join(f"#{i}" for i in open_ids),
        )
        error.body = {"open_issue_ids": open_ids}
        raise error


async def issue_stop_work(actor: Actor, project_id: int, data: StopWorkIn) -> StopWorkOut:
    """工程暂停令 (A.0.5): only the chief inspector; the owner consents first, or in an emergency a
    written report to the owner falls due."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector issues a stop-work order.", rule="stop_work_needs_chief")
    _check_project(actor, project_id)
    issuing_org = _require_org(actor)
    if data.scope is StopScope.building and data.building_id is None:
        raise Invalid("A building-wide stop names the building.", field="building_id")
    if data.scope is StopScope.part and not data.part.strip():
        raise Invalid("A partial stop names the part or process.", field="part")
    report_due = data.report_due_at
    if data.emergency:
        report_due = report_due or data.effective_at + dt.timedelta(hours=24)
    elif not (data.owner_consent_by.strip() and data.owner_consent_at):
        raise Invalid("A stop-work order needs the owner's consent (who and when), or the emergency flag.",
                      field="owner_consent_by", rule="owner_consent")
    async with transaction():
        project = await _project(project_id)
        await _check_location(project_id, data.building_id, None)
        await _check_contractor(data.addressed_org_id, "addressed_org_id")
        rows = await _issue_select().where(Issue.id.is_in(data.issue_ids)) if data.issue_ids else []
        missing = sorted(set(data.issue_ids) - {r["id"] for r in rows})
        if missing:
            raise NotFound("No issue {id}.", field="issue_ids", id=missing[0])
        if any(r["project"] != project_id for r in rows):
            raise Invalid("A linked issue belongs to another project.", field="issue_ids")
        year = today().year
        number = await numbering.next_number(project_id, "stop_work", year)
        number_text = _number_text(project["code"], "stop_work", year, number)
        building_name = None
        if data.building_id:
            building_name = (await Building.select(Building.name).where(Building.id == data.building_id))[0]["name"]
        scope_text = {StopScope.project: "全部工程", StopScope.building: building_name or "",
                      StopScope.part: data.part.strip()}[data.scope]
        if data.scope is StopScope.building and data.part.strip():
            scope_text = f"{scope_text} {data.part.strip()}"
        context = {
            "project_name": project["name"],
            "addressee": await _org_name(data.addressed_org_id),
            "issuer": await _org_name(issuing_org),
            "cause": STOP_CAUSE_TEXT[data.cause],
            "cause_details": data.cause_details,
            "effective": _local(data.effective_at),
            "scope": scope_text,
            "requirements": data.requirements,
            "emergency": data.emergency,
            "report_due": _local(report_due),
            "owner_consent_by": data.owner_consent_by,
            "owner_consent_at": _local(data.owner_consent_at),
            "issues": [await _issue_print(r) for r in rows],
            "date": _cn_date(today()),
        }
        document = await documents.issue_document(
            actor, project_id=project_id, kind="stop_work", series="stop_work", number_text=number_text,
            title="工程暂停令", template="inspections/stop_work.html", context=context,
        )
        values = {
            "project": project_id, "year": year, "number": number, "number_text": number_text,
            "addressed_org": data.addressed_org_id, "issuing_org": issuing_org, "scope": data.scope.value,
            "building": data.building_id, "part": data.part.strip(), "cause": data.cause.value,
            "cause_details": data.cause_details, "effective_at": data.effective_at,
            "requirements": data.requirements, "owner_consent_by": data.owner_consent_by.strip(),
            "owner_consent_at": data.owner_consent_at, "emergency": data.emergency, "report_due_at": report_due,
            "document": document["id"], "issued_by": actor.id,
        }
        order_id = (await StopWorkOrder.insert(StopWorkOrder(**values)).returning(StopWorkOrder.id))[0]["id"]
        for issue_id in data.issue_ids:
            await StopWorkIssue.insert(StopWorkIssue(stop_order=order_id, issue=issue_id))
        await audit.record(actor, "stop_work.issue", "stop_work_order", order_id,
                           {**values, "issue_ids": data.issue_ids})
    return await get_stop_work(actor, order_id)


async def record_written_report(actor: Actor, order_id: int) -> StopWorkOut:
    """An emergency stop was issued before the owner consented: record that the written report to the
    owner (GB/T 50319 §6.2.3) has been delivered."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector reports a stop-work order to the owner.", rule="stop_work_needs_chief")
    async with transaction():
        order = await _stop_row(order_id)
        _check_stop_visible(actor, order)
        if not order["emergency"]:
            raise Conflict("Order {number} had the owner's consent; no written report is due.", rule="not_emergency",
                           number=order["number_text"])
        if order["report_submitted_at"] is not None:
            raise Conflict("The written report for {number} is already recorded.", rule="report_recorded",
                           number=order["number_text"])
        at = now()
        await StopWorkOrder.update({StopWorkOrder.report_submitted_at: at}).where(StopWorkOrder.id == order_id)
        await audit.record(actor, "stop_work.written_report", "stop_work_order", order_id, {"at": at})
    return await get_stop_work(actor, order_id)


def _application_out(row: dict) -> ResumptionOut:
    return ResumptionOut(
        id=row["id"], stop_order_id=row["stop_order"], statement=row["statement"],
        proposed_date=row["proposed_date"], status=row["status"], review_opinion=row["review_opinion"],
        approval_opinion=row["approval_opinion"], applied_at=row["applied_at"], reviewed_at=row["reviewed_at"],
        approved_at=row["approved_at"],
    )


async def _stop_out(row: dict) -> StopWorkOut:
    links = await StopWorkIssue.select(StopWorkIssue.issue).where(StopWorkIssue.stop_order == row["id"]).order_by(
        StopWorkIssue.issue
    )
    applications = await ResumptionApplication.select().where(
        ResumptionApplication.stop_order == row["id"]).order_by(ResumptionApplication.id)
    resumption = await ResumptionOrder.select(ResumptionOrder.number_text, ResumptionOrder.document).where(
        ResumptionOrder.stop_order == row["id"]
    )
    return StopWorkOut(
        id=row["id"], project_id=row["project"], number=row["number_text"], addressed_org_id=row["addressed_org"],
        scope=row["scope"], building_id=row["building"], building=row["building_name"], part=row["part"],
        cause=row["cause"], cause_details=row["cause_details"], effective_at=row["effective_at"],
        requirements=row["requirements"], owner_consent_by=row["owner_consent_by"],
        owner_consent_at=row["owner_consent_at"], emergency=row["emergency"], report_due_at=row["report_due_at"],
        status=row["status"], document_id=row["document"], issued_at=row["issued_at"], resumed_at=row["resumed_at"],
        issue_ids=[r["issue"] for r in links], open_issue_ids=await _linked_open_issues(row["id"]),
        applications=[_application_out(a) for a in applications],
        resumption_number=resumption[0]["number_text"] if resumption else None,
        resumption_document_id=resumption[0]["document"] if resumption else None,
        report_submitted_at=row["report_submitted_at"],
    )


async def get_stop_work(actor: Actor, order_id: int) -> StopWorkOut:
    row = await _stop_row(order_id)
    _check_stop_visible(actor, row)
    return await _stop_out(row)


async def list_stop_work(actor: Actor, project_id: int) -> list[StopWorkOut]:
    access.check_inspections(actor, project_id)
    rows = await StopWorkOrder.select(
        *StopWorkOrder.all_columns(), StopWorkOrder.building.name.as_alias("building_name")
    ).where(StopWorkOrder.project == project_id, *access.stop_work_scope(actor)).order_by(
        StopWorkOrder.id, ascending=False)
    return [await _stop_out(r) for r in rows]


async def stop_status(actor: Actor, project_id: int) -> StopStatusOut:
    """Whether the project or any of its buildings is stopped now, with the orders in force the actor may
    read: finance sees that work is stopped, not the orders; a contractor, its own orders only."""
    access.check_stop_status(actor, project_id)
    rows = await StopWorkOrder.select(
        *StopWorkOrder.all_columns(), StopWorkOrder.building.name.as_alias("building_name")
    ).where(StopWorkOrder.project == project_id, StopWorkOrder.status == StopStatus.in_force.value,
            *access.stop_work_scope(actor)).order_by(StopWorkOrder.id)
    return StopStatusOut(
        project_id=project_id,
        stopped=bool(rows),
        project_stopped=any(r["scope"] == StopScope.project for r in rows),
        stopped_building_ids=sorted({r["building"] for r in rows if r["building"] is not None}),
        orders=[await _stop_out(r) for r in rows if access.can(access.check_stop_work, actor, r)],
    )


async def visible_stop_status(actor: Actor, project_id: int) -> StopStatusOut | None:
    """The stop status for a page banner: None for an actor who may not see it (a resident)."""
    try:
        return await stop_status(actor, project_id)
    except Forbidden:
        return None


async def stopped_project_ids(actor: Actor) -> set[int]:
    """Projects with a stop-work order in force (any scope) that the actor may see, for lists that mark
    them in one query."""
    if actor.role not in STOP_STATUS_READERS:
        return set()
    query = StopWorkOrder.select(StopWorkOrder.project).where(
        StopWorkOrder.status == StopStatus.in_force.value, *access.stop_work_scope(actor)
    )
    if not actor.is_admin:
        query = query.where(StopWorkOrder.project.is_in(sorted(actor.project_ids) or [-1]))
    return {r["project"] for r in await query.distinct()}


async def _application_row(application_id: int) -> dict:
    rows = await ResumptionApplication.select().where(ResumptionApplication.id == application_id)
    if not rows:
        raise NotFound("No resumption application {id}.", field="application_id", id=application_id)
    return rows[0]


async def apply_for_resumption(actor: Actor, order_id: int, data: ResumptionApplyIn) -> StopWorkOut:
    """工程复工报审表 (B.0.3) from the contractor; refused while a linked issue is not verified."""
    async with transaction():
        order = await _stop_row(order_id)
        _check_stop_visible(actor, order)
        if actor.role is not Role.contractor or order["addressed_org"] != actor.organisation_id:
            raise Forbidden("Only the contractor the order is addressed to applies for resumption.",
                            rule="contractor_own_org")
        if order["status"] != StopStatus.in_force:
            raise Conflict("Order {number} is {status}.", field="status", rule="stop_not_in_force",
                           number=order["number_text"], status=order["status"])
        if await ResumptionApplication.exists().where(
            ResumptionApplication.stop_order == order_id,
            ResumptionApplication.status.is_in([ResumptionStatus.applied.value, ResumptionStatus.reviewed.value,
                                                ResumptionStatus.approved.value]),
        ):
            raise Conflict("An application for this order is already under way.", rule="application_pending")
        await _refuse_while_open(order)
        application_id = (await ResumptionApplication.insert(ResumptionApplication(
            stop_order=order_id, project=order["project"], statement=data.statement,
            proposed_date=data.proposed_date, applied_by=actor.id,
        )).returning(ResumptionApplication.id))[0]["id"]
        await audit.record(actor, "resumption.apply", "resumption_application", application_id,
                           {"order": order["number_text"], "statement": data.statement,
                            "proposed_date": data.proposed_date})
    return await get_stop_work(actor, order_id)


async def _decide_application(actor: Actor, application_id: int, data: OpinionIn, *, stage: str) -> StopWorkOut:
    expected, role, passed = {
        "review": (ResumptionStatus.applied, Role.chief_inspector, ResumptionStatus.reviewed),
        "approve": (ResumptionStatus.reviewed, Role.project_manager, ResumptionStatus.approved),
    }[stage]
    async with transaction():
        application = await _application_row(application_id)
        order = await _stop_row(application["stop_order"])
        _check_stop_visible(actor, order)
        if actor.role is not role:
            raise Forbidden("This step needs the role {role}.", rule=f"resumption_{stage}_role", role=role.value)
        if application["status"] != expected:
            raise Conflict("The application is {status}; this step needs it {expected}.", field="status",
                           rule="resumption_state", status=application["status"], expected=expected.value)
        if data.approve:
            await _refuse_while_open(order)
        status = passed if data.approve else ResumptionStatus.refused
        if stage == "review":
            changes = {ResumptionApplication.review_opinion: data.opinion, ResumptionApplication.reviewed_by: actor.id,
                       ResumptionApplication.reviewed_at: now()}
        else:
            changes = {ResumptionApplication.approval_opinion: data.opinion,
                       ResumptionApplication.approved_by: actor.id, ResumptionApplication.approved_at: now()}
        await ResumptionApplication.update({ResumptionApplication.status: status.value, **changes}).where(
            ResumptionApplication.id == application_id)
        await audit.record(actor, f"resumption.{stage}", "resumption_application", application_id,
                           {"approve": data.approve, "opinion": data.opinion})
    return await get_stop_work(actor, order["id"])


async def review_resumption(actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
    """The chief inspector's 审核意见 on the application."""
    return await _decide_application(actor, application_id, data, stage="review")


async def approve_resumption(actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
    """The owner's 审批意见 (建设单位)."""
    return await _decide_application(actor, application_id, data, stage="approve")


async def _chief_ordered_application(actor: Actor, order: dict, data: ResumptionOrderIn) -> dict:
    """The contractor did not apply although the cause is removed: the chief orders resumption on the
    owner's recorded consent, and the record says so in place of the contractor's form."""
    at = now()
    values = {
        "stop_order": order["id"], "project": order["project"], "proposed_date": data.resume_at.date(),
        "statement": "施工单位未提出复工申请；停工原因已消除，总监理工程师经建设单位同意指令复工。",
        "status": ResumptionStatus.approved.value, "applied_by": actor.id, "reviewed_by": actor.id,
        "reviewed_at": at, "approved_at": data.owner_consent_at,
        "approval_opinion": f"建设单位 {data.owner_consent_by.strip()} 同意",
    }
    inserted = await ResumptionApplication.insert(ResumptionApplication(**values)).returning(
        *ResumptionApplication.all_columns())
    return inserted[0]


async def issue_resumption_order(actor: Actor, order_id: int, data: ResumptionOrderIn) -> StopWorkOut:
    """工程复工令 (A.0.7), quoting the stop-work order's number; only once the cause is removed and the
    owner has approved."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector issues a resumption order.", rule="resumption_needs_chief")
    async with transaction():
        order = await _stop_row(order_id)
        _check_stop_visible(actor, order)
        if order["status"] != StopStatus.in_force:
            raise Conflict("Order {number} is {status}.", field="status", rule="stop_not_in_force",
                           number=order["number_text"], status=order["status"])
        await _refuse_while_open(order)
        approved = await ResumptionApplication.select().where(
            ResumptionApplication.stop_order == order_id,
            ResumptionApplication.status == ResumptionStatus.approved.value,
        ).order_by(ResumptionApplication.id, ascending=False).limit(1)
        if not approved and data.owner_consent_by.strip() and data.owner_consent_at:
            approved = [await _chief_ordered_application(actor, order, data)]
        if not approved:
            raise Conflict("Resumption needs an application approved by the owner.", rule="owner_approval")
        application = approved[0]
        project = await _project(order["project"])
        year = today().year
        number = await numbering.next_number(order["project"], "resumption", year)
        number_text = _number_text(project["code"], "resumption", year, number)
        scope_text = {"project": "全部工程", "building": order["building_name"] or "", "part": order["part"]}[
            order["scope"]]
        context = {
            "project_name": project["name"],
            "addressee": await _org_name(order["addressed_org"]),
            "issuer": await _org_name(order["issuing_org"]),
            "stop_number": order["number_text"],
            "scope": scope_text,
            "resume_at": _local(data.resume_at),
            "application_statement": application["statement"],
            "date": _cn_date(today()),
        }
        document = await documents.issue_document(
            actor, project_id=order["project"], kind="resumption", series="resumption", number_text=number_text,
            title="工程复工令", template="inspections/resumption.html", context=context,
        )
        await ResumptionOrder.insert(ResumptionOrder(
            stop_order=order_id, application=application["id"], project=order["project"], year=year, number=number,
            number_text=number_text, resume_at=data.resume_at, document=document["id"], issued_by=actor.id,
        ))
        await ResumptionApplication.update({ResumptionApplication.status: ResumptionStatus.ordered.value}).where(
            ResumptionApplication.id == application["id"])
        await StopWorkOrder.update({StopWorkOrder.status: StopStatus.resumed.value,
                                    StopWorkOrder.resumed_at: data.resume_at}).where(StopWorkOrder.id == order_id)
        await audit.record(actor, "resumption.order", "stop_work_order", order_id,
                           {"number": number_text, "stop_number": order["number_text"], "resume_at": data.resume_at})
    return await get_stop_work(actor, order_id)


# ---------------------------------------------------------------- printing


async def reply_print_context(actor: Actor, notice_id: int) -> dict:
    """The reply form (B.0.9) with the 复查意见 per issue, from the live records."""
    notice = await get_notice(actor, notice_id)
    project = await _project(notice.project_id)
    rows = {r["id"]: r for r in await _issue_select().where(Issue.id.is_in(notice.issue_ids or [-1]))}
    replies = []
    for reply in notice.replies:
        items = []
        for item in reply.items:
            row = dict(rows[item.issue_id])
            row["round"] = item.round
            printed = await _issue_print(row)
            items.append({**printed, "explanation": item.explanation, "result": item.result or "",
                          "opinion": item.opinion, "rechecked": _local(item.rechecked_at)})
        replies.append({"number": reply.number, "statement": reply.statement, "entries": items,
                        "submitted": _local(reply.submitted_at)})
    return {
        "project_name": project["name"], "number": replies[-1]["number"] if replies else f"{notice.number}-HF",
        "title": "监理通知回复单", "notice_number": notice.number, "addressee": await _org_name(
            (await _notice_row(notice_id))["issuing_org"]), "contractor": notice.addressed_org,
        "replies": replies, "notice_status": str(notice.status),
    }
