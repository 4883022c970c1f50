"""Residents' defect reports: a resident reports, an inspector accepts it into an issue or declines it."""

from __future__ import annotations

from inspections import access
from inspections import photos as photo_store
from inspections.kinds import ReportStatus
from inspections.schemas import IssueIn, IssueOut, PhotoOut, ReportIn, ReportOut
from inspections.services.common import check_location, insert_photo, photo_out
from inspections.services.issues import file_issue, get_issue
from inspections.tables import DefectReport, Issue, Photo
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.rows import to_schema


# A report's columns, with those ReportOut names otherwise aliased to its field names.
REPORT_COLUMNS = (
    *DefectReport.all_columns(), DefectReport.project.as_alias("project_id"),
    DefectReport.building.as_alias("building_id"), DefectReport.dwelling.as_alias("dwelling_id"),
)


async def _report_row(report_id: int) -> dict:
    rows = await DefectReport.select(*REPORT_COLUMNS).where(DefectReport.id == report_id)
    if not rows:
        raise NotFound("No report {id}.", field="report_id", id=report_id)
    return rows[0]


async def report_visible(actor: Actor, report_id: int) -> dict:
    row = await _report_row(report_id)
    access.check_report(actor, row)
    return row


async def _report_out(row: dict) -> ReportOut:
    """A report row as the API shows it, with the issue it was accepted into and its photos."""
    issue = await Issue.select(Issue.id).where(Issue.report == row["id"])
    photos = [photo_out(p) for p in await Photo.select().where(Photo.report == row["id"]).order_by(Photo.id)]
    return to_schema(row, ReportOut, issue_id=issue[0]["id"] if issue else None, photos=photos)


async def report_defect(actor: Actor, project_id: int, data: ReportIn) -> ReportOut:
    """A resident reports a defect; an inspector accepts it into an issue or declines it."""
    access.check_project(actor, project_id)
    async with transaction():
        await check_location(project_id, data.building_id, data.dwelling_id)
        values = {"project": project_id, "reported_by": actor.id, "building": data.building_id,
                  "dwelling": data.dwelling_id, "location": data.location.strip(),
                  "description": data.description.strip()}
        report_id = (await DefectReport.insert(DefectReport(**values)).returning(DefectReport.id))[0]["id"]
        await audit.record(actor, "report.create", "defect_report", report_id, values)
    return await _report_out(await _report_row(report_id))


async def add_report_photo(actor: Actor, report_id: int, data: bytes) -> PhotoOut:
    row = await report_visible(actor, report_id)
    if row["reported_by"] != actor.id:
        raise Forbidden("Only the reporter adds photos to a report.", rule="reporter_only")
    stored = await photo_store.store(data)
    async with transaction():
        photo_id = await insert_photo(actor, row["project"], stored, "report", report=report_id)
        await audit.record(actor, "report.photo", "defect_report", report_id, {"photo_id": photo_id})
    return photo_out((await Photo.select().where(Photo.id == photo_id))[0])


async def list_reports(actor: Actor, project_id: int) -> list[ReportOut]:
    access.check_reports(actor, project_id)
    query = DefectReport.select(*REPORT_COLUMNS).where(DefectReport.project == project_id).order_by(DefectReport.id, ascending=False)
    if actor.role is Role.resident:
        query = query.where(DefectReport.reported_by == actor.id)
    return [await _report_out(r) for r in await query]


async def get_report(actor: Actor, report_id: int) -> ReportOut:
    return await _report_out(await report_visible(actor, report_id))


async def _pending_report(actor: Actor, report_id: int) -> dict:
    """A report the actor may read and nobody has decided yet (accepting and declining both need one)."""
    row = await report_visible(actor, report_id)
    if row["status"] != ReportStatus.pending:
        raise Conflict("Report {id} is already {status}.", field="status", rule="report_decided",
                       id=report_id, status=row["status"])
    return row


async def accept_report(actor: Actor, report_id: int, data: IssueIn) -> IssueOut:
    async with transaction():
        row = await _pending_report(actor, report_id)
        issue = await file_issue(actor, row["project"], data, report_id=report_id)
        await Photo.update({Photo.issue: issue.id}).where(Photo.report == report_id)
    return await get_issue(actor, issue.id)


async def decline_report(actor: Actor, report_id: int, reason: str) -> ReportOut:
    async with transaction():
        await _pending_report(actor, report_id)  # refuses a report decided already or not the actor's to decide
        await DefectReport.update(
            {DefectReport.status: ReportStatus.declined.value, DefectReport.decline_reason: reason.strip(),
             DefectReport.decided_by: actor.id, DefectReport.decided_at: clock.now()}
        ).where(DefectReport.id == report_id)
        await audit.record(actor, "report.decline", "defect_report", report_id, {"reason": reason.strip()})
    return await _report_out(await _report_row(report_id))
