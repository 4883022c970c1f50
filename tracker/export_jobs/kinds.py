"""Export jobs' states and what a domain declares to have its long documents made in the background."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    queued = "queued"  # 排队中
    running = "running"  # 生成中
    done = "done"  # 已完成
    failed = "failed"  # 失败


FINISHED = frozenset({JobStatus.done, JobStatus.failed})


@dataclass(frozen=True)
class Piece:
    """One part of a long document: a template and its context, rendered in one worker process.

    `units` is what the part counts for in the job's progress (e.g. the letters it holds). `prepare`,
    when given, is awaited in the job before the part is rendered, the parts' one at a time in plan
    order, and what it answers is added to `context`: a part that prints documents it issues itself
    (in a transaction of its own) is rendered while the next part is being issued."""

    template: str
    context: dict[str, Any]
    units: int
    prepare: Callable[[], Awaitable[dict[str, Any]]] | None = None


@dataclass(frozen=True)
class ExportPlan:
    """What a job will render, decided (and checked) when it is started: the parts in order, which
    the worker renders across its processes and joins into one PDF."""

    project_id: int
    filename: str
    pieces: list[Piece]
    media_type: str = "application/pdf"

    @property
    def total(self) -> int:
        return sum(p.units for p in self.pieces)


@dataclass(frozen=True)
class ExportKind:
    """A kind of background export a domain registers (`tracker.registry.export_kinds()`).

    `roles` are the roles of the export's own route: the same roles (with project membership) start
    the job, read its progress and download its file. `plan(actor, subject_id)` checks the subject (404,
    409) and answers the plan (it may issue what the document is made of, as the actor); `subject_path` is the page the job belongs to (a link back)."""

    name: str
    title: str  # English msgid, shown translated
    roles: frozenset
    plan: Callable[[Any, int], Awaitable[ExportPlan]]  # (actor, subject_id)
    subject_path: str = ""  # the page to go back to: "/consultations/{id}", "/projects/{project_id}/handover"
