"""Jinja environment: translations, formatting filters and the globals every page uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader

from tracker import clock
from tracker.i18n import current_locale, gettext, ngettext
from tracker.settings import ROOT, get_settings


def _area(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"


def _date(value: dt.date | dt.datetime | str | None) -> str:
    """A date as it is, a moment as local wall time; an ISO text (an API shape's field) is read first."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _label(value: object) -> str:
    """An enumeration value (stored as its English key) as its label in the reader's language.

    The catalogs hold `enum:<key>` msgids; where a language has none (English reads the key itself),
    the key is shown as words ("chief_inspector" → "Chief inspector"), never as the raw key."""
    text = getattr(value, "value", value)
    if text is None or text == "":
        return ""
    msgid = f"enum:{text}"
    translated = gettext(msgid)
    if translated != msgid:
        return translated
    return str(text).replace("_", " ").capitalize()


def _notices() -> list[str]:
    from tracker.web.forms import notices  # forms imports Litestar; printable documents never call this

    return notices()


def _modules_for(request, project) -> list:
    """The modules of `project` the request's user may open (links for the project page's top)."""
    from tracker.web.navigation import project_modules

    actor = request.scope.get("user")
    return project_modules(request.app, actor.role, project.id, project.kind) if actor else []


def configure_environment(engine) -> None:
    """Set up Litestar's Jinja engine for pages."""
    _configure(engine.engine)


@lru_cache(maxsize=1)
def document_environment() -> Environment:
    """A Jinja environment for printable documents: same templates folder (then DOCUMENT_TEMPLATE_DIRS),
    globals and filters."""
    folders = [ROOT / "templates", *get_settings().document_template_dirs]
    env = Environment(loader=FileSystemLoader(folders), autoescape=True)
    _configure(env)
    return env


def _configure(env: Environment) -> None:
    env.globals.update(
        _=gettext,
        ngettext=ngettext,
        locale=lambda: current_locale.get(),
        label=_label,
        confirmations=_notices,  # not "notices": pages pass their notices (通知单) by that name
        app_name="Tracker",
        public_base_url=get_settings().public_base_url,
        modules_for=_modules_for,
    )
    env.filters.update(area=_area, date=_date, label=_label)
    env.autoescape = True
