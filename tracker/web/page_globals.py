"""The pages' Jinja environment: the shared set-up plus globals only pages use: they read the request, the session and the route table, so the
printable documents' environment (which services reach through the renderer) never loads them."""

from __future__ import annotations

from tracker.web.navigation import project_modules
from tracker.web.notices import notices
from tracker.web.templating import configure


def _modules_for(request, project) -> list:
    """The modules of `project` the request's user may open (links for the project page's top)."""
    actor = request.scope.get("user")
    return project_modules(request.app, actor.role, project.id, project.kind) if actor else []


PAGE_GLOBALS = {
    "confirmations": notices,  # not "notices": pages pass their notices (通知单) by that name
    "modules_for": _modules_for,
}


def configure_environment(engine) -> None:
    """Set up Litestar's Jinja engine for pages: the shared globals and filters, and the page-only ones."""
    configure(engine.engine)
    engine.engine.globals.update(PAGE_GLOBALS)
