"""Health check and the entry page."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.response import Redirect, Template

from tracker import db
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.web.errors import RETRY_AFTER_S
from tracker.web.guards import allow_public, requires_login


HOME_TODOS = 10  # the first to-dos on home; the rest on /my/todo


class SystemController(Controller):
    path = "/"

    @get("/health", guards=[allow_public], tags=["system"])
    async def health(self) -> Response[dict]:
        """Liveness and database reachability; 503 when the database does not answer."""
        reachable = await db.ping()
        body = {"status": "ok" if reachable else "degraded", "database": "reachable" if reachable else "unreachable",
                "engine": db.engine().engine_type}
        if reachable:
            return Response(body, status_code=200)
        return Response(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})

    @get("/", guards=[requires_login], include_in_schema=False)
    async def home(self, request: Request, actor: Actor) -> Redirect | Template:
        """Staff: their projects with the modules their role may open, and their open to-dos. Residents
        have a home of their own (`/my`)."""
        if actor.role is Role.resident:
            return Redirect(path="/my")
        from tracker.register import services as register
        from tracker.todo import services as todo
        from tracker.web.navigation import project_modules

        projects = await register.list_projects(actor)
        modules = {p.id: project_modules(request.app, actor.role, p.id, p.kind) for p in projects}
        todos = await todo.list_todos(actor, limit=HOME_TODOS)
        return Template("home/index.html", context={"projects": projects, "modules": modules, "todos": todos,
                                                    "more": len(todos) >= HOME_TODOS})
