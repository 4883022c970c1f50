"""Guards of export jobs: a job is of its project, and read by the roles of its kind's own export."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.export_jobs import services
from tracker.export_jobs.tables import ExportJob
from tracker.web.guards import actor_of

PROJECT_PATHS = {"job_id": ExportJob.project}


async def job_reader(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The roles of the job's kind (those of the export's own route); with `project_member`, the same
    check as the original export. A job that does not exist passes here and answers 404."""
    actor = actor_of(connection)
    kind = await services.job_kind(connection.path_params["job_id"])
    if kind is None:
        return
    roles = services.export_kind(kind).roles
    if actor.role not in roles:
        raise PermissionDeniedException(
            "This needs one of the roles: {}.".format(", ".join(sorted(r.value for r in roles))),
            extra={"roles": sorted(r.value for r in roles)})


def _all_roles() -> frozenset:
    return frozenset().union(*(kind.roles for kind in services.export_kinds().values()))


# The role matrix (tests/integration/test_access.py) reads who may pass: every registered kind's roles.
job_reader.allowed_roles = _all_roles()  # type: ignore[attr-defined]
