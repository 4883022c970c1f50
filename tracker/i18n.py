"""Interface language: message catalogs (Babel .po files) and the reader's locale per request.

Chinese (zh_CN) is the default; English is the source language of every msgid. Catalogs are read
from the .po sources at start, so no compile step can be forgotten. Each domain keeps its own .po
file in the locale folder (core.po, register.po, inspections.po, …); they are merged into one.
"""

from __future__ import annotations

import gettext as gettext_module
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
current_locale: ContextVar[str] = ContextVar("current_locale", default="zh_CN")


def catalog_files(locale: str) -> list[Path]:
    return sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))


@lru_cache(maxsize=None)
def translations(locale: str) -> gettext_module.NullTranslations:
    files = catalog_files(locale)
    if not files:
        return gettext_module.NullTranslations()
    merged = None
    for po in files:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id:
                    merged[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def gettext(message: str, **variables: object) -> str:
    """Translate `message` for the current reader; `%(name)s` placeholders are filled from variables."""
    text = translations(current_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def pick_locale(cookie: str | None, default: str) -> str:
    return cookie if cookie in LOCALES else default
