"""Languages: Swedish (the source language of every message) and English from a gettext catalog.

The catalogs are read from ``locale/<lang>/LC_MESSAGES/messages.po`` at start-up, so there is no
compile step. The language of the current request lives in a context variable.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from partner_portal.clock import TIMEZONE
from partner_portal.resources import PACKAGE_DIR

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "pp_lang"
_BABEL_LOCALE = {"sv": "sv_SE", "en": "en_GB"}

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    path = PACKAGE_DIR / "locale" / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    return _translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(current_language.get()).ngettext(singular, plural, n)


_ = gettext


def language_from_cookie(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def format_datetime(value: datetime, format: str = "medium") -> str:
    """A moment in Europe/Stockholm time, in the reader's language."""
    return _format_datetime(
        value, format=format, tzinfo=TIMEZONE, locale=_BABEL_LOCALE[current_language.get()]
    )


def format_date(value: date, format: str = "long") -> str:
    """A calendar date; a moment is first turned into its date in Europe/Stockholm."""
    day = value.astimezone(TIMEZONE).date() if isinstance(value, datetime) else value
    return _format_date(day, format=format, locale=_BABEL_LOCALE[current_language.get()])
