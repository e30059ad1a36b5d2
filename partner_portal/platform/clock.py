"""The portal's one clock: what time it is, and which day it is in Sweden.

Nothing else in the portal asks the system for the time: ruff's banned-api rule (TID251 in
pyproject.toml) refuses ``datetime.now()``, ``date.today()`` and ``time.time()`` everywhere else.

The clock follows the system's, unless it was started at another instant: by an operator with
``PORTAL_NOW`` (exercises, demonstrations, black-box tests of reminders), or by the test suite's
fixture. From that instant it runs on in real time, so time still passes inside a request or
between two jobs. Tests may also stop it (:func:`freeze`) and move it by hand (:func:`advance`).

The state is one per process; every process (``serve``, ``dev``, ``worker``) starts it the same
way from the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import time as _system_seconds  # noqa: TID251 (the one place that may)
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Stockholm")


@dataclass(slots=True)
class _State:
    # now = the system's time + offset, or frozen_at while frozen
    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None
    started_at: datetime | None = None  # the instant given to start_at/freeze, if any


_state = _State()


def _system_now() -> datetime:
    return datetime.fromtimestamp(_system_seconds(), UTC)


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (what timestamp columns store)."""
    if _state.frozen_at is not None:
        return _state.frozen_at
    return _system_now() + _state.offset


def local_now() -> datetime:
    """The current instant in Swedish time (Europe/Stockholm)."""
    return now().astimezone(TIMEZONE)


def today() -> date:
    """Today's date in Sweden: the day every deadline, period and "late" is judged by."""
    return local_now().date()


def start_at(instant: datetime) -> None:
    """Let the clock run on in real time from ``instant`` (which must carry its offset)."""
    instant = _aware(instant)
    _state.offset = instant - _system_now()
    _state.frozen_at = None
    _state.started_at = instant


def freeze(instant: datetime) -> None:
    """Stop the clock at ``instant``; only :func:`advance` moves it until the next start."""
    instant = _aware(instant)
    _state.frozen_at = instant.astimezone(UTC)
    _state.offset = timedelta(0)
    _state.started_at = instant


def advance(delta: timedelta) -> None:
    """Move the clock forward (or back, with a negative ``delta``), frozen or running."""
    if _state.frozen_at is not None:
        _state.frozen_at += delta
    else:
        _state.offset += delta


def reset() -> None:
    """Follow the system's clock again."""
    _state.offset = timedelta(0)
    _state.frozen_at = None
    _state.started_at = None


def started_at() -> datetime | None:
    """The instant the clock was started at, or None while it follows the system's clock."""
    return _state.started_at


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its UTC offset (``2027-03-28T06:30:00+02:00``, or ``Z``).

    Raises ValueError saying what is wrong: a malformed value, or one without an offset (a
    local time alone is ambiguous once a year, and silently taking the server's zone is worse)."""
    value = text.strip()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 instant (e.g. 2027-03-28T06:30:00+02:00)"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            f"{text!r} has no UTC offset; give one, e.g. {value}+01:00 (winter) or "
            f"{value}+02:00 (summer) for Swedish time"
        )
    return instant


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the clock needs an instant with a timezone")
    return instant


def wall_time(day: date, at: time) -> datetime | None:
    """The moment (UTC) a Swedish clock shows ``at`` on ``day``, or None if it never does that
    day (the hour skipped when summer time begins). Of a time shown twice (the hour repeated
    when it ends), the first."""
    local = datetime.combine(day, at, tzinfo=TIMEZONE)
    moment = local.astimezone(UTC)
    if moment.astimezone(TIMEZONE).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment


def swedish_date(instant: datetime) -> date:
    """The date in Sweden at ``instant`` (any timezone-aware instant)."""
    return instant.astimezone(TIMEZONE).date()
