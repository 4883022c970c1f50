"""Projects: creating and changing them, reading them with their counts, and the lock that serialises
actions on one project."""

from __future__ import annotations

import msgspec

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.tables import Membership
from tracker.db import is_postgres, transaction
from tracker.errors import Conflict, Invalid
from tracker.register.schemas import ProjectIn, ProjectOut
from tracker.register.services.records import record_row
from tracker.register.tables import Building, Dwelling, Household, Project
from tracker.rows import to_schema, to_schemas


def _check_dates(data: ProjectIn) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a, b = getattr(data, start), getattr(data, end)
        if a and b and b < a:
            raise Invalid("{end} is before {start}.", field=end, end=end, start=start)


async def create_project(actor: Actor, data: ProjectIn) -> ProjectOut:
    _check_dates(data)
    async with transaction():
        if await Project.exists().where(Project.code == data.code):
            raise Conflict("A project with code {code} already exists.", field="code", code=data.code)
        values = msgspec.structs.asdict(data)
        row = (await Project.insert(Project(**values)).returning(*Project.all_columns()))[0]
        if actor.id is not None and not actor.is_admin:
            await Membership.insert(Membership(user=actor.id, project=row["id"]))
        await audit.record(actor, "project.create", "project", row["id"], values)
    return to_schema(row, ProjectOut)


async def update_project(actor: Actor, project_id: int, data: ProjectIn) -> ProjectOut:
    _check_dates(data)
    async with transaction():
        await writable_project(project_id)
        if await Project.exists().where(Project.code == data.code, Project.id != project_id):
            raise Conflict("A project with code {code} already exists.", field="code", code=data.code)
        values = msgspec.structs.asdict(data)
        await Project.update(values).where(Project.id == project_id)
        await audit.record(actor, "project.update", "project", project_id, values)
    return await get_project(project_id)


async def writable_project(project_id: int) -> dict:
    """The project's row, refused (409 `project_archived`) once it is archived: an archived project is
    read-only. Called inside each write's transaction, so an archive and a write cannot interleave."""
    row = await project_row(project_id)
    if row.get("archived_at") is not None:
        raise archived_conflict(row["code"])
    return row


async def refuse_archived(project_id: int) -> None:
    """`writable_project` for the membership guard, which needs no row: the two columns in one plain
    read (it runs before every write in a project); a project that does not exist passes."""
    rows = await Project.raw("SELECT code, archived_at FROM project WHERE id = {}", project_id)
    if rows and rows[0]["archived_at"] is not None:
        raise archived_conflict(rows[0]["code"])


def archived_conflict(code: str) -> Conflict:
    """The refusal of a write in an archived project (409 `project_archived`)."""
    return Conflict("The project {code} is archived and can no longer be changed.", field="project_id",
                    rule="project_archived", code=code)


async def archive_project(actor: Actor, project_id: int, *, archived: bool = True) -> ProjectOut:
    """Archive a project (read-only from then on) or, with `archived=False`, reopen it."""
    async with transaction():
        row = await project_row(project_id)
        if (row["archived_at"] is not None) != archived:
            await Project.update({Project.archived_at: clock.now() if archived else None}).where(
                Project.id == project_id)
            await audit.record(actor, "project.archive" if archived else "project.unarchive", "project",
                               project_id, {"code": row["code"]})
    return await get_project(project_id)


async def project_row(project_id: int) -> dict:
    return await record_row(Project, project_id, "No project {id}.", "project_id")


async def get_project(project_id: int) -> ProjectOut:
    row = await project_row(project_id)
    return to_schema(
        row,
        ProjectOut,
        buildings=await Building.count().where(Building.project == project_id),
        dwellings=await Dwelling.count().where(Dwelling.project == project_id),
        households=await Household.count().where(Household.project == project_id),
    )


async def list_projects(actor: Actor) -> list[ProjectOut]:
    query = Project.select().order_by(Project.id)
    if not actor.is_admin:
        if not actor.project_ids:
            return []
        query = query.where(Project.id.is_in(list(actor.project_ids)))
    return to_schemas(await query, ProjectOut)


async def lock_project(project_id: int) -> None:
    """Serialise actions that must not interleave on one project (a roll import and opening a
    consultation on it). PostgreSQL locks the row; SQLite's IMMEDIATE transaction already serialises."""
    if is_postgres():
        await Project.select(Project.id).where(Project.id == project_id).lock_rows("UPDATE")
