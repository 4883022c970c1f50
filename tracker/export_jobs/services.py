"""Export jobs: start one (audited), make it in the background across the PDF worker processes with
its progress kept per part, read its status and file; a job whose process stopped is marked failed.

A job runs as an asyncio task of the process that accepted it: the parts are rendered by the warm
PDF workers (`tracker.documents.render`), as many at a time as there are workers, and joined into one
PDF by a worker too, so the event loop only hands work over. Its plan (the rows each part prints) is
made and checked when it starts, in the request, so a refusal (404, 409) is the request's answer; what
a part prepares (`Piece.prepare`, e.g. issuing the documents it prints) is done in the job, part by part.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable

from tracker import audit, clock
from tracker.accounts.actor import SYSTEM, Actor
from tracker.db import transaction
from tracker.errors import Conflict, NotFound
from tracker.export_jobs.kinds import FINISHED, ExportKind, ExportPlan, JobStatus
from tracker.export_jobs.schemas import ExportJobOut
from tracker.export_jobs.tables import ExportJob
from tracker.rows import to_schema

log = logging.getLogger(__name__)

# This process, as the runner of the jobs it starts.
RUNNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
HEARTBEAT_SECONDS = 15
# A job unfinished whose heartbeat is older than this lost its process (crash, kill, restart).
STALE_SECONDS = 120
INTERRUPTED = "interrupted: the server making it stopped; start it again"
_tasks: dict[int, asyncio.Task] = {}

COLUMNS = (
    ExportJob.id, ExportJob.kind, ExportJob.project.as_alias("project_id"), ExportJob.subject_id, ExportJob.status,
    ExportJob.done, ExportJob.total, ExportJob.error, ExportJob.filename, ExportJob.created_at,
    ExportJob.finished_at,
)


def export_kinds() -> dict[str, ExportKind]:
    from tracker.registry import export_kinds as registered

    return registered()


def export_kind(name: str) -> ExportKind:
    kinds = export_kinds()
    if name not in kinds:
        raise NotFound("No export of kind {kind}.", field="kind", kind=name)
    return kinds[name]


def _out(row: dict) -> ExportJobOut:
    done = row["status"] == JobStatus.done.value
    return to_schema(
        row, ExportJobOut, url=f"/api/v1/export-jobs/{row['id']}", page_url=f"/exports/{row['id']}",
        file_url=f"/api/v1/export-jobs/{row['id']}/file" if done else None,
    )


async def start_export(actor: Actor, kind: str, subject_id: int) -> ExportJobOut:
    """Start a background export of `subject_id` (one business action: the row and its audit record);
    the document is made after the answer, its progress readable at the job's address."""
    spec = export_kind(kind)
    plan = await spec.plan(actor, subject_id)
    async with transaction():
        row = (await ExportJob.insert(ExportJob(
            kind=kind, project=plan.project_id, subject_id=subject_id, requested_by=actor.id,
            status=JobStatus.queued.value, total=plan.total, filename=plan.filename, media_type=plan.media_type,
            runner=RUNNER, heartbeat_at=clock.now(),
        )).returning(ExportJob.id))[0]
        await audit.record(actor, "export.start", "export_job", row["id"],
                           {"kind": kind, "subject_id": subject_id, "project_id": plan.project_id,
                            "total": plan.total, "parts": len(plan.pieces)})
    job_id = row["id"]
    _tasks[job_id] = asyncio.get_running_loop().create_task(_run(job_id, plan), name=f"export-job-{job_id}")
    _tasks[job_id].add_done_callback(lambda _: _tasks.pop(job_id, None))
    return await get_job(job_id)


async def get_job(job_id: int) -> ExportJobOut:
    await mark_interrupted(job_id)
    rows = await ExportJob.select(*COLUMNS).where(ExportJob.id == job_id)
    if not rows:
        raise NotFound("No export job {id}.", field="job_id", id=job_id)
    return _out(rows[0])


async def job_kind(job_id: int) -> str | None:
    rows = await ExportJob.select(ExportJob.kind).where(ExportJob.id == job_id)
    return rows[0]["kind"] if rows else None


async def jobs_of(kind: str, subject_id: int, limit: int = 5) -> list[ExportJobOut]:
    """The latest jobs of one kind for one record, newest first (the record's page shows them)."""
    await mark_interrupted()
    rows = await ExportJob.select(*COLUMNS).where(
        ExportJob.kind == kind, ExportJob.subject_id == subject_id
    ).order_by(ExportJob.id, ascending=False).limit(limit)
    return [_out(r) for r in rows]


async def job_file(job_id: int) -> tuple[str, str, bytes]:
    """The finished file: name, media type and bytes; 409 while it is being made or when it failed."""
    job = await get_job(job_id)
    if job.status is not JobStatus.done:
        raise Conflict("The export is {status}: its file is not ready.", field="status", rule="export_not_done",
                       status=job.status.value)
    row = (await ExportJob.select(ExportJob.filename, ExportJob.media_type, ExportJob.content)
           .where(ExportJob.id == job_id))[0]
    return row["filename"], row["media_type"], bytes(row["content"])


async def mark_interrupted(job_id: int | None = None, *, runner: str | None = None) -> int:
    """Mark failed the unfinished jobs whose process stopped: with `runner`, this process's own (its
    shutdown); otherwise those whose heartbeat is older than STALE_SECONDS (a process that died)."""
    unfinished = ExportJob.status.is_in([JobStatus.queued.value, JobStatus.running.value])
    if runner is not None:
        condition = unfinished & (ExportJob.runner == runner)
    else:
        condition = unfinished & (ExportJob.heartbeat_at < clock.now() - dt.timedelta(seconds=STALE_SECONDS))
    if job_id is not None:
        condition = condition & (ExportJob.id == job_id)
    if not await ExportJob.exists().where(condition):
        return 0
    async with transaction():
        rows = await ExportJob.update(
            {ExportJob.status: JobStatus.failed.value, ExportJob.error: INTERRUPTED, ExportJob.finished_at: clock.now()}
        ).where(condition).returning(ExportJob.id)
        if rows:
            await audit.record(SYSTEM, "export.interrupted", "export_job", rows[0]["id"],
                               {"job_ids": sorted(r["id"] for r in rows)})
    return len(rows)


async def recover_at_start() -> None:
    """The server starts: jobs whose process died are failed now. A database that cannot answer yet
    (unmigrated, restarting) does not stop the start: reading a job sweeps it again."""
    try:
        await mark_interrupted()
    except Exception:
        log.exception("could not mark interrupted export jobs at start")


async def stop_running() -> None:
    """The server is stopping: cancel this process's jobs and mark them failed (not 'running' forever);
    the rest of the shutdown goes on whatever the database says."""
    tasks = list(_tasks.values())
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    try:
        await mark_interrupted(runner=RUNNER)
    except Exception:
        log.exception("could not mark this server's export jobs interrupted")


async def _progress(job_id: int, **values: object) -> None:
    await ExportJob.update({**values, "heartbeat_at": clock.now()}).where(ExportJob.id == job_id)


async def _heartbeat(job_id: int) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        await _progress(job_id)


async def _finish(job_id: int, status: JobStatus, **values: object) -> None:
    async with transaction():
        await ExportJob.update({"status": status.value, "finished_at": clock.now(), **values}).where(
            ExportJob.id == job_id, ExportJob.status.not_in([s.value for s in FINISHED]))
        await audit.record(SYSTEM, f"export.{status.value}", "export_job", job_id,
                           {"error": values.get("error", "")})


async def make_now(plan: ExportPlan, progress: Callable[[int], Awaitable[None]] | None = None) -> bytes:
    """Render a plan's parts across the PDF workers and join them; `progress(done)` after each part."""
    from tracker.documents import render

    parts: list[bytes] = [b""] * len(plan.pieces)
    done = 0
    # As many parts at a time as there are PDF workers: more would only queue in the pool.
    slots = asyncio.Semaphore(render.WORKERS)
    # Parts are prepared one at a time (the lock wakes its waiters in order: plan order), ahead of the
    # renders rather than each waiting for a free worker, so the workers never wait for the next part.
    preparing = asyncio.Lock()

    async def make(index: int) -> None:
        nonlocal done
        piece = plan.pieces[index]
        context = piece.context
        if piece.prepare is not None:
            async with preparing:
                context = {**context, **await piece.prepare()}
        async with slots:
            parts[index] = await render.render_pdf(piece.template, context)
        done += piece.units
        if progress is not None:
            await progress(done)

    tasks = [asyncio.ensure_future(make(i)) for i in range(len(plan.pieces))]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:  # a failed part stops the others
            task.cancel()
    return parts[0] if len(parts) == 1 else await render.join_pdfs(parts)


async def _run(job_id: int, plan: ExportPlan) -> None:
    heartbeat = asyncio.get_running_loop().create_task(_heartbeat(job_id))
    try:
        await _progress(job_id, status=JobStatus.running.value)
        content = await make_now(plan, lambda done: _progress(job_id, done=done))
        await _finish(job_id, JobStatus.done, content=content, done=plan.total)
    except asyncio.CancelledError:
        raise  # stop_running marks it
    except Exception as exc:
        log.exception("export job %s failed", job_id)
        await _finish(job_id, JobStatus.failed, error=f"{type(exc).__name__}: {exc}"[:2000])
    finally:
        heartbeat.cancel()
