"""Dates and times are written as babel writes them, in Swedish time, in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime

from partner_portal.platform import clock, i18n
from partner_portal.platform.clock import TIMEZONE

# Around the spring and autumn changes, New Year's Eve in UTC and a leap day.
MOMENTS = [
    datetime(2027, 3, 28, 0, 59, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
    datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    datetime(2031, 12, 31, 23, 30, tzinfo=UTC),
    datetime(2028, 2, 29, 12, 0, tzinfo=UTC) + timedelta(microseconds=1),
]


@pytest.fixture(autouse=True)
def _a_clock_of_its_own() -> None:
    """These tests name their moments: each runs on a clock set here."""
    clock.freeze(MOMENTS[0])


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("format", ["short", "medium", "long", "d MMM"])
def test_moments_are_written_as_babel_writes_them(language: str, format: str) -> None:
    token = i18n.current_language.set(language)
    try:
        for moment in MOMENTS:
            expected = babel_datetime(
                moment, format, tzinfo=TIMEZONE, locale=i18n._BABEL_LOCALE[language]
            )
            assert i18n.format_datetime(moment, format) == expected
    finally:
        i18n.current_language.reset(token)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("format", ["short", "medium", "long", "d MMM"])
def test_dates_are_written_as_babel_writes_them(language: str, format: str) -> None:
    token = i18n.current_language.set(language)
    try:
        for moment in MOMENTS:
            day = moment.astimezone(TIMEZONE).date()
            expected = babel_date(day, format, locale=i18n._BABEL_LOCALE[language])
            assert i18n.format_date(moment, format) == expected
            assert i18n.format_date(day, format) == expected
    finally:
        i18n.current_language.reset(token)


def test_a_moment_late_on_new_years_eve_in_utc_is_new_year_in_sweden() -> None:
    assert i18n.format_date(datetime(2031, 12, 31, 23, 30, tzinfo=UTC)) == "1 januari 2032"
    assert i18n.format_date(date(2031, 12, 31)) == "31 december 2031"
