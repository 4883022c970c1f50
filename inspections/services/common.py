"""What the sub-domains of quality supervision share: printed dates, the project, organisation and place
of a record, document numbers, photo rows, and the conditions that narrow a list to what a contractor may
read."""

from __future__ import annotations

import datetime as dt

from inspections import photos as photo_store
from inspections.kinds import SERIES_PREFIX, IssueStatus
from inspections.schemas import PhotoOut
from inspections.tables import Issue, Notice, Photo, StopWorkOrder
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.tables import Organisation
from tracker.errors import Forbidden, Invalid, NotFound
from tracker.register.tables import Building, Dwelling, Project
from tracker.rows import to_schema


RESOLVED = (IssueStatus.verified.value, IssueStatus.void.value)


def printed_moment(at: dt.datetime | None) -> str:
    """A moment as a printed document writes it: wall time in TIME_ZONE (`tracker.clock`)."""
    return clock.local(at).strftime("%Y年%m月%d日 %H:%M") if at else ""


def printed_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def require_org(actor: Actor) -> int:
    if actor.organisation_id is None:
        raise Forbidden("Your account belongs to no organisation.", rule="organisation_required")
    return actor.organisation_id


def document_number(project_code: str, series: str, year: int, number: int) -> str:
    return f"{project_code}-{SERIES_PREFIX[series]}-{year}-{number:03d}"


async def org_name(org_id: int | None) -> str:
    if org_id is None:
        return ""
    rows = await Organisation.select(Organisation.name).where(Organisation.id == org_id)
    return rows[0]["name"] if rows else ""


async def project_row(project_id: int) -> dict:
    rows = await Project.select().where(Project.id == project_id)
    if not rows:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    return rows[0]


def place(row: dict) -> str:
    parts = [row.get("building_name") or "", row.get("dwelling_number") or "", row["part"], row["location"]]
    return " ".join(p for p in parts if p) or "—"


async def check_location(project_id: int, building_id: int | None, dwelling_id: int | None) -> None:
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


async def list_contractors() -> list[dict]:
    """The contractors a form offers (id and name), by name."""
    return await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.kind == OrganisationKind.contractor.value).order_by(Organisation.name)


async def check_contractor(org_id: int, field: str) -> None:
    rows = await Organisation.select(Organisation.kind).where(Organisation.id == org_id)
    if not rows:
        raise NotFound("No organisation {id}.", field=field, id=org_id)
    if rows[0]["kind"] != OrganisationKind.contractor:
        raise Invalid("The responsible organisation must be a contractor.", field=field)


def photo_out(row: dict) -> PhotoOut:
    """A photo row (`Photo.select()`) with the addresses it is read back from."""
    url = f"/api/v1/inspections/photos/{row['id']}"
    return to_schema(row, PhotoOut, url=url, thumb_url=f"{url}?thumb=1")


async def insert_photo(actor: Actor, project_id: int, stored: photo_store.Stored, purpose: str, **links) -> int:
    photo = Photo(
        project=project_id, purpose=purpose, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, path=stored.path, thumb_path=stored.thumb_path, uploaded_by=actor.id, **links,
    )
    return (await Photo.insert(photo).returning(Photo.id))[0]["id"]


# Conditions that narrow a list or a count to what `inspections.access` would allow, for actors who passed
# `access.check_inspections` on the project. Only contractors are narrowed.


def issue_scope(actor: Actor) -> list:
    return [Issue.responsible_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


def notice_scope(actor: Actor) -> list:
    return [Notice.addressed_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


def stop_work_scope(actor: Actor) -> list:
    return [StopWorkOrder.addressed_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []
