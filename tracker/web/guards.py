"""Guards: every route names who may call it. A route without a guard fails the route-table test.

Role guards answer "may this kind of user do this at all"; the project guard answers "on this
project". Which record inside a project a role may read (a contractor only what is addressed to its
organisation, a resident only their own) is decided once per kind of record by the domain
(`inspections/access.py`), and asked by the services, so a page, its API, its PDF and every list agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role


def actor_of(connection: ASGIConnection) -> Actor:
    """The logged-in actor, for guards (handlers receive theirs as the `actor` dependency)."""
    actor = connection.scope.get("user")
    if actor is None:
        raise NotAuthorizedException("Log in first.")
    return actor


async def allow_public(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Open to anyone, logged in or not (login page, health, public verification)."""


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    actor_of(connection)


def requires_role(*roles: Role | Iterable[Role]):
    allowed: set[Role] = set()
    for role in roles:
        allowed.update([role] if isinstance(role, Role) else role)
    names = ", ".join(sorted(r.value for r in allowed))

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor = actor_of(connection)
        if actor.role not in allowed:
            # The roles travel with the refusal so a page can name them by their titles (errors.py).
            raise PermissionDeniedException(f"This needs one of the roles: {names}.",
                                            extra={"roles": sorted(r.value for r in allowed)})

    guard.__name__ = f"requires_role({names})"
    guard.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
    return guard


@dataclass(frozen=True)
class Access:
    """What a handler checks beyond its guards, declared beside the route as `opt={"access": Access(...)}`.

    The role matrix test (tests/integration/test_access.py) reads each route's guards to know who may
    call it; where the handler itself narrows that (a role check in the service), this says so, and
    `why` names the rule, so the expectation stays next to the code that enforces it. A new guard the
    matrix does not know carries its own as an attribute (`guard.access = Access(...)`), or an
    `allowed_roles` set as `requires_role` does; otherwise the matrix fails on it.
    """

    why: str
    roles: frozenset[Role] | None = None  # only these roles get past the handler, whatever the guards say
    project_member: bool = False  # the handler checks the project of the resource in the path


def _project_paths() -> dict:
    from tracker.plugin import project_paths

    return project_paths()


async def project_of(connection: ASGIConnection) -> int | None:
    """The project a request is about, from the first path parameter a domain declared.

    Each domain's `guards.PROJECT_PATHS` maps a path parameter to the column that holds its record's
    project (through a join where the record belongs to another: `BallotSheet.consultation._.project`);
    `project_id` is the project itself. A parameter nobody declared is not a project's.
    """
    params = connection.path_params
    if "project_id" in params:
        return int(params["project_id"])
    for name, column in _project_paths().items():
        if name in params:
            table = column._meta.call_chain[0]._meta.table if column._meta.call_chain else column._meta.table
            rows = await table.select(column.as_alias("project")).where(table._meta.primary_key == params[name])
            return rows[0]["project"] if rows else None
    return None


async def project_member(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The actor belongs to the project named by the path (admins belong everywhere).

    An id that does not exist passes here and the service answers 404 for it.
    """
    actor = actor_of(connection)
    project_id = await project_of(connection)
    if project_id is not None and not actor.can_see_project(project_id):
        raise PermissionDeniedException("You are not a member of this project.")
    if project_id is not None and connection.scope.get("method") not in SAFE_METHODS:
        await _refuse_archived(connection, project_id)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _refuse_archived(connection: ASGIConnection, project_id: int) -> None:
    """An archived project is read-only in every domain: a write on a record in it is refused (409) here,
    before any domain's service runs (the register's services check it again in their transactions)."""
    from tracker.accounts.sessions import archived_project
    from tracker.register.services import archived_conflict, refuse_archived

    read, code = archived_project(connection.scope, project_id)  # read with the session for a write's path
    if not read:
        await refuse_archived(project_id)  # a project that does not exist passes: the service answers 404
    elif code is not None:
        raise archived_conflict(code)

