"""Languages: Swedish (the source language of every message) and English from a gettext catalog.

The catalogs are read from ``locale/<lang>/LC_MESSAGES/messages.po`` at start-up, so there is no
compile step. The language of the current request lives in a context variable.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale
from babel.dates import (
    DateTimePattern,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.resources import PACKAGE_DIR

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


def supported(value: str | None) -> str:
    """``value`` if it is one of :data:`LANGUAGES`, else the default (Swedish)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Words and dates inside the block in ``language`` (e.g. a mail in its reader's
    language, whatever the person who caused it reads)."""
    token = current_language.set(supported(language))
    try:
        yield
    finally:
        current_language.reset(token)


_NAMED_FORMATS = ("full", "long", "medium", "short")


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Babel's patterns for one format in one language, looked up and parsed once (formatting a
    moment then costs a fifth of what babel's format_datetime does, which looks them up each
    time: a page of fifty comments paid two milliseconds for it)."""

    locale: Locale
    date: DateTimePattern
    time: DateTimePattern | None
    joined: str  # "{1} {0}": where the date and the time go


@cache
def _patterns(language: str, format: str, with_time: bool) -> _Patterns:
    locale = Locale.parse(_BABEL_LOCALE[language])
    if format not in _NAMED_FORMATS:
        return _Patterns(locale, parse_pattern(format), None, "{1}")
    date_pattern = parse_pattern(get_date_format(format, locale=locale))  # type: ignore[arg-type]
    if not with_time:
        return _Patterns(locale, date_pattern, None, "{1}")
    return _Patterns(
        locale,
        date_pattern,
        parse_pattern(get_time_format(format, locale=locale)),  # type: ignore[arg-type]
        str(get_datetime_format(format, locale=locale)).replace("'", ""),  # type: ignore[arg-type]
    )


# A page writes the same moments again and again (every comment's time, on every request), and
# the words for a moment depend only on the moment, the format and the language: remembered,
# formatting costs a dictionary look-up. Bounded, so a long-running process keeps its memory.
_REMEMBERED = 4096


def format_datetime(value: datetime, format: str = "medium") -> str:
    """A moment in Europe/Stockholm time, in the reader's language (as babel's format_datetime
    would write it)."""
    return _format_datetime(value, format, current_language.get())


@lru_cache(maxsize=_REMEMBERED)
def _format_datetime(value: datetime, format: str, language: str) -> str:
    patterns = _patterns(language, format, True)
    local = value.astimezone(TIMEZONE)
    day = patterns.date.apply(local, patterns.locale)
    if patterns.time is None:
        return day
    return patterns.joined.replace("{0}", patterns.time.apply(local, patterns.locale)).replace(
        "{1}", day
    )


def format_date(value: date, format: str = "long") -> str:
    """A calendar date; a moment is first turned into its date in Europe/Stockholm."""
    day = value.astimezone(TIMEZONE).date() if isinstance(value, datetime) else value
    return _format_date(day, format, current_language.get())


@lru_cache(maxsize=_REMEMBERED)
def _format_date(day: date, format: str, language: str) -> str:
    patterns = _patterns(language, format, False)
    return patterns.date.apply(day, patterns.locale)
