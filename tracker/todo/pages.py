"""The to-do page: everything waiting on the user, overdue first."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_WORKERS, Role
from tracker.todo import services
from tracker.web.guards import requires_role


class TodoPages(Controller):
    include_in_schema = False

    @get("/my/todo", guards=[requires_role(PROJECT_WORKERS)])
    async def todo(self, actor: Actor) -> Template:
        return Template("todo/list.html", context={"items": await services.list_todos(actor)})


async def header_count(request: Request) -> None:
    """The header's to-do count, for pages only (GET outside the API), once per request: the count of
    each source that applies to the role (one or two statements)."""
    actor = request.scope.get("user")
    if request.method != "GET" or actor is None or request.url.path.startswith(("/api/", "/static/")):
        return
    if Role(actor.role) is Role.resident:
        return
    request.state.todo_count = await services.count_todos(actor)
