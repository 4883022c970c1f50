"""The works' progress as of a date (a percentage and/or the value of work certified)."""

from __future__ import annotations

from funding.schemas import ProgressIn, ProgressOut
from funding.services.common import require_project
from funding.tables import WorkProgress
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid
from tracker.rows import to_schemas

_COLUMNS = (WorkProgress.id, WorkProgress.project.as_alias("project_id"), WorkProgress.as_of, WorkProgress.percent,
            WorkProgress.certified_fen)


async def record_progress(actor: Actor, project_id: int, data: ProgressIn) -> ProgressOut:
    if data.percent is None and data.certified_fen is None:
        raise Invalid("Give the percentage complete, the value certified, or both.", field="percent",
                      rule="something_recorded")
    if data.percent is not None and data.percent > 100:
        raise Invalid("A percentage is at most 100.", field="percent", rule="percent_in_range")
    async with transaction():
        await require_project(project_id)
        if await WorkProgress.exists().where(WorkProgress.project == project_id, WorkProgress.as_of == data.as_of):
            raise Conflict("Progress as of {day} is already recorded.", field="as_of", rule="work_progress_one_a_day",
                           day=data.as_of.isoformat())
        progress_id = (await WorkProgress.insert(WorkProgress(
            project=project_id, as_of=data.as_of, percent=data.percent, certified_fen=data.certified_fen,
        )).returning(WorkProgress.id))[0]["id"]
        await audit.record(actor, "funding.progress", "work_progress", progress_id, {
            "project_id": project_id, "as_of": data.as_of, "percent": data.percent,
            "certified_fen": data.certified_fen,
        })
    rows = await WorkProgress.select(*_COLUMNS).where(WorkProgress.id == progress_id)
    return to_schemas(rows, ProgressOut)[0]


async def list_progress(project_id: int) -> list[ProgressOut]:
    await require_project(project_id)
    rows = await WorkProgress.select(*_COLUMNS).where(WorkProgress.project == project_id).order_by(WorkProgress.as_of)
    return to_schemas(rows, ProgressOut)
