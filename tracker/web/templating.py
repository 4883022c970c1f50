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


def _money(value: Decimal | int | None) -> str:
    """An amount in yuan with thousands separators and fen: 1200000 → "1,200,000.00"."""
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


@lru_cache(maxsize=1)
def document_environment() -> Environment:
    """A Jinja environment for printable documents: same templates folder (then DOCUMENT_TEMPLATE_DIRS),
    globals and filters."""
    folders = [ROOT / "templates", *get_settings().document_template_dirs]
    env = Environment(loader=FileSystemLoader(folders), autoescape=True)
    configure(env)
    return env


def configure(env: Environment) -> None:
    """The globals and filters pages and printable documents share."""
    env.globals.update(
        _=gettext,
        ngettext=ngettext,
        locale=lambda: current_locale.get(),
        label=_label,
        app_name="Tracker",
        public_base_url=get_settings().public_base_url,
    )
    env.filters.update(area=_area, date=_date, label=_label, money=_money)
    env.autoescape = True
