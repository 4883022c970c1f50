"""Dependencies provided to every handler: the acting user, as `actor` (logged in) or `viewer` (maybe not)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.di import Provide

from tracker.accounts.actor import Actor
from tracker.web.guards import actor_of


def provide_actor(request: ASGIConnection) -> Actor:
    """The logged-in user; 401 when nobody is (the route's guards have normally refused already)."""
    return actor_of(request)


def provide_viewer(request: ASGIConnection) -> Actor | None:
    """The logged-in user or None, for public routes that show more to members."""
    return request.scope.get("user")


DEPENDENCIES = {
    "actor": Provide(provide_actor, sync_to_thread=False),
    "viewer": Provide(provide_viewer, sync_to_thread=False),
}
