"""Guards of the register: which path parameters name a record of which project, and the resident's own household."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.accounts.roles import Role
from tracker.register.tables import Building, Household

PROJECT_PATHS = {
    "building_id": Building.project,
    "household_id": Household.project,
}


async def own_household(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A resident reaches only their own household; staff pass through to the project guard."""
    actor = connection.user
    if actor is None:
        raise NotAuthorizedException("Log in first.")
    if actor.role is Role.resident and int(connection.path_params.get("household_id", -1)) != actor.household_id:
        raise PermissionDeniedException("Residents see only their own household.")
