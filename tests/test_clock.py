"""The portal's one clock, and PORTAL_NOW, which starts it elsewhere.

These tests name instants on purpose (a DST change, a leap day): each sets the clock itself.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from partner_portal.platform import clock
from partner_portal.platform.settings import load_settings
from tests.conftest import app_with

SUMMER = timedelta(hours=2)


@pytest.fixture(autouse=True)
def _a_clock_of_its_own() -> None:
    """These tests name instants: each runs on a clock set here or in the test itself."""
    clock.freeze(datetime(2027, 3, 28, 6, 30, tzinfo=clock.TIMEZONE))


def test_a_started_clock_runs_on_in_real_time() -> None:
    start = datetime(2027, 3, 28, 1, 59, 59, tzinfo=UTC)
    clock.start_at(start)
    first = clock.now()
    time.sleep(0.01)
    second = clock.now()

    assert start <= first < second < start + timedelta(seconds=5)
    assert first.tzinfo is UTC
    assert clock.started_at() == start


def test_today_is_the_day_in_sweden_not_in_utc() -> None:
    clock.freeze(datetime(2028, 2, 28, 23, 30, tzinfo=UTC))  # 00:30 on the leap day in Sweden

    assert clock.today() == date(2028, 2, 29)
    assert clock.local_now().utcoffset() == timedelta(hours=1)


def test_the_clock_crosses_the_spring_change_as_sweden_does() -> None:
    clock.freeze(datetime(2027, 3, 28, 1, 59, tzinfo=clock.TIMEZONE))
    clock.advance(timedelta(minutes=2))

    assert clock.local_now() == datetime(2027, 3, 28, 3, 1, tzinfo=clock.TIMEZONE)
    assert clock.local_now().utcoffset() == SUMMER


def test_a_frozen_clock_moves_only_when_told() -> None:
    instant = datetime(2031, 12, 31, 23, 30, tzinfo=clock.TIMEZONE)
    clock.freeze(instant)
    time.sleep(0.01)

    assert clock.now() == instant
    clock.advance(timedelta(minutes=31))
    assert clock.today() == date(2032, 1, 1)


def test_after_a_reset_the_clock_follows_the_system_again() -> None:
    clock.freeze(datetime(2031, 12, 31, 23, 30, tzinfo=UTC))
    clock.reset()
    system = datetime.fromtimestamp(time.time(), UTC)  # noqa: TID251 (compared with the system)

    assert abs(clock.now() - system) < timedelta(seconds=5)
    assert clock.started_at() is None


def test_the_clock_refuses_an_instant_without_a_timezone() -> None:
    with pytest.raises(ValueError, match="timezone"):
        clock.start_at(datetime(2027, 3, 28, 6, 30))  # noqa: DTZ001 (the mistake under test)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-28T06:30:00+02:00", datetime(2027, 3, 28, 4, 30, tzinfo=UTC)),
        ("2027-03-28T04:30Z", datetime(2027, 3, 28, 4, 30, tzinfo=UTC)),
        (" 2028-02-29T12:00+01:00 ", datetime(2028, 2, 29, 11, 0, tzinfo=UTC)),
    ],
)
def test_an_instant_is_read_with_its_offset(text: str, expected: datetime) -> None:
    assert clock.parse_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("2027-03-28T06:30", "has no UTC offset"),
        ("2027-03-28", "has no UTC offset"),
        ("i morgon", "is not an ISO 8601 instant"),
        ("2027-02-30T06:30+01:00", "is not an ISO 8601 instant"),
    ],
)
def test_an_instant_without_offset_or_malformed_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        clock.parse_instant(text)


# --- PORTAL_NOW ------------------------------------------------------------------------------


def test_portal_now_is_read_into_the_settings(tmp_path: Path) -> None:
    settings = load_settings(
        {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_NOW": "2027-03-28T06:30:00+02:00"}
    )

    assert settings.now == datetime(2027, 3, 28, 4, 30, tzinfo=UTC)
    assert load_settings({"PORTAL_DATA_DIR": str(tmp_path)}).now is None


@pytest.mark.parametrize("value", ["2027-03-28T06:30", "nästa vecka"])
def test_a_malformed_portal_now_stops_start_up_with_a_clear_message(
    value: str, tmp_path: Path
) -> None:
    from partner_portal.platform.settings import SettingsError

    with pytest.raises(SettingsError) as raised:
        load_settings({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_NOW": value})

    [problem] = raised.value.problems
    assert problem.startswith("PORTAL_NOW must be an ISO 8601 instant with its offset")


def test_production_refuses_portal_now() -> None:
    from partner_portal.platform.settings import SettingsError
    from tests.test_settings import GOOD_PRODUCTION

    with pytest.raises(SettingsError) as raised:
        load_settings(GOOD_PRODUCTION | {"PORTAL_NOW": "2027-03-28T06:30:00+02:00"})

    assert any(p.startswith("PORTAL_NOW is for exercises") for p in raised.value.problems)


async def test_every_page_says_when_the_portal_runs_on_exercise_time(app: Starlette) -> None:
    start = datetime(2027, 3, 28, 6, 30, tzinfo=clock.TIMEZONE)
    clock.start_at(start)
    exercise = app_with(app, now=start)

    async def home(application: Starlette) -> str:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
            response = await c.get("/tillganglighet")
        assert response.status_code == 200
        return response.text

    try:
        with_notice, without = await home(exercise), await home(app)
    finally:
        await exercise.state.portal.engine.dispose()

    assert "Övningstid:" in with_notice
    assert "portalen räknar som om det vore 28 mars 2027 06:30" in with_notice
    assert "Övningstid" not in without
