"""Dependency providers of quality supervision: the issue filter of the list and ledger routes, and the
body limit of the upload routes."""

from __future__ import annotations

import datetime as dt

from litestar.di import Provide
from litestar.params import Parameter

from inspections.kinds import IssueKind, IssueStatus, Severity
from inspections.photos import max_photo_bytes
from inspections.services import IssueFilter
from tracker.types import INT32_MAX

UPLOAD_LIMIT = max_photo_bytes() + 256 * 1024  # room for the multipart envelope; the service names the limit


def issue_filter(
    status: list[IssueStatus] | None = None,
    severity: Severity | None = None,
    kind: IssueKind | None = None,
    responsible_org_id: int | None = Parameter(default=None, ge=1, le=INT32_MAX),
    building_id: int | None = Parameter(default=None, ge=1, le=INT32_MAX),
    overdue: bool | None = None,
    ball: str | None = None,
    created_from: dt.date | None = None,
    created_to: dt.date | None = None,
    deadline_to: dt.date | None = None,
    q: str = "",
    offset: int = Parameter(default=0, ge=0, le=INT32_MAX),
    limit: int = Parameter(default=50, ge=1, le=500),
) -> IssueFilter:
    return IssueFilter(
        status=status or [], severity=severity, kind=kind.value if kind else None,
        responsible_org_id=responsible_org_id, building_id=building_id, overdue=overdue, ball=ball,
        created_from=created_from, created_to=created_to, deadline_to=deadline_to, q=q, offset=offset, limit=limit,
    )


FILTER_DEPENDENCY = {"f": Provide(issue_filter, sync_to_thread=False)}
