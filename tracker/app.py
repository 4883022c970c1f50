"""The application factory: the one place where the app is assembled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from tracker import db
from tracker.accounts.sessions import SessionMiddleware
from tracker.documents import render
from tracker.export_jobs import services as export_jobs
from tracker.jobs.scheduler import JobScheduler
from tracker.plugin import TrackerPlugin, scheduled_jobs
from tracker.settings import ROOT, get_settings
from tracker.web.auth import CsrfMiddleware, LocaleMiddleware, SessionAuthentication
from tracker.web.forms import RequestScopeMiddleware, show_kept_refusal
from tracker.web.disconnect import cancel_on_disconnect
from tracker.web.errors import EXCEPTION_HANDLERS, DatabaseUnavailableGuard
from tracker.web.deps import DEPENDENCIES
from tracker.web.guards import allow_public
from tracker.web.inputs import InputLimitsMiddleware, check_body
from tracker.web.openapi import OpenAPIResponsesPlugin
from tracker.web import access_log
from tracker.web.page_globals import configure_environment


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    await db.start()
    # Jobs left unfinished by a process that died are failed now, not 'running' forever.
    await export_jobs.recover_at_start()
    scheduler = None
    if get_settings().scheduler_enabled:
        scheduler = JobScheduler(scheduled_jobs())
        await scheduler.start()
    try:
        yield
    finally:
        if scheduler is not None:
            await scheduler.stop()
        await export_jobs.stop_running()
        render.shutdown()
        await db.stop()


async def _before_request(request) -> None:
    """The body's checks, then the header's to-do count for a page."""
    from tracker.todo.pages import header_count

    await check_body(request)
    await header_count(request)


def create_app() -> Litestar:
    settings = get_settings()
    access_log.install()
    template_config = TemplateConfig(
        directory=Path(ROOT / "templates"),
        engine=JinjaTemplateEngine,
        engine_callback=configure_environment,
    )
    static = create_static_files_router(
        path="/static",
        directories=[Path(__file__).parent / "static"],
        guards=[allow_public],
        include_in_schema=False,
    )
    return Litestar(
        route_handlers=[static],
        lifespan=[lifespan],
        # Session first (it stores last), then the CSRF check bound to that session, then who is acting.
        middleware=[
            DatabaseUnavailableGuard,
            cancel_on_disconnect,
            InputLimitsMiddleware(),
            SessionMiddleware(max_age=settings.session_max_age, secure=settings.secure_cookies),
            CsrfMiddleware(),
            SessionAuthentication,
            LocaleMiddleware(),
            RequestScopeMiddleware(),
        ],
        before_request=_before_request,
        after_request=show_kept_refusal,
        dependencies=DEPENDENCIES,
        template_config=template_config,
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Tracker API",
            version="1",
            description="Construction quality and resident decisions for resettlement housing and retrofits.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        plugins=[TrackerPlugin(), OpenAPIResponsesPlugin()],
        request_max_body_size=settings.max_upload_bytes,
        debug=settings.debug,
    )
