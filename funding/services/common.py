"""Helpers the funding services share: finding a record of a project, locking it, raising a rule."""

from __future__ import annotations

from piccolo.table import Table

from funding.rules import Breach
from tracker.db import is_postgres
from tracker.errors import Conflict, NotFound
from tracker.register.tables import Project


async def require_project(project_id: int) -> None:
    if not await Project.exists().where(Project.id == project_id):
        raise NotFound("No project {id}.", field="project_id", id=project_id)


async def lock_project(project_id: int) -> None:
    """Serialise the allocations of one project, whose caps sum over several sources and lines.
    PostgreSQL locks the project row; SQLite's IMMEDIATE transaction already serialises writers."""
    await require_project(project_id)
    if is_postgres():
        await Project.select(Project.id).where(Project.id == project_id).lock_rows("UPDATE")


async def row_of(table: type[Table], record_id: int, field: str, message: str, *, lock: bool = False,
                 project_id: int | None = None) -> dict:
    """The record's row, locked for the transaction if asked; a 404 naming `field` when it does not
    exist (or belongs to another project than `project_id`)."""
    query = table.select().where(table._meta.primary_key == record_id)
    if lock and is_postgres():
        query = query.lock_rows("UPDATE")
    rows = await query.output(load_json=True)
    if not rows or (project_id is not None and rows[0]["project"] != project_id):
        raise NotFound(message, field=field, id=record_id)
    return rows[0]


def refuse(breach: Breach, field: str) -> Conflict:
    return Conflict(breach.message, field=field, rule=breach.rule, **breach.params)
