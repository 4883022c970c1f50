"""Health check and the entry page."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.response import Redirect

from tracker import db
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.web.errors import RETRY_AFTER_S
from tracker.web.guards import allow_public, requires_login


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
    async def home(self, actor: Actor) -> Redirect:
        if actor.role is Role.resident and actor.household_id:
            return Redirect(path=f"/households/{actor.household_id}")
        return Redirect(path="/projects")
