"""The resident's home page (/my): a phone-first start that leads to the vote, the receipts, the
results, defect reports and (where those routes exist) the new home and the contributions."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.residents import services
from tracker.web.guards import requires_role

# Pages of other domains the home links to once they are registered (they arrive in other branches).
OPTIONAL_LINKS = ("/my/home", "/my/contributions")


def _routes(request: Request) -> set[str]:
    return {route.path for route in request.app.routes}


class ResidentPages(Controller):
    include_in_schema = False

    @get("/my", guards=[requires_role(Role.resident)])
    async def home(self, request: Request, actor: Actor) -> Template:
        home = await services.resident_home(actor)
        routes = _routes(request)
        return Template("residents/home.html", context={
            "home": home, "links": {path: path in routes for path in OPTIONAL_LINKS},
        })
