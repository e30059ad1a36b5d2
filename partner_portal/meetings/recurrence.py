"""A meeting series' rule expanded into its days: the one module that uses ``python-dateutil``.

The rule is kept in Swedish wall-clock terms (a weekday every so many weeks, at the same clock
times), so an occurrence after a daylight-saving change is still at 09:00 in Stockholm: its
moment in UTC is worked out per day (``clock.wall_time``), never by adding weeks to an instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil import rrule

from partner_portal.platform import clock

LONGEST_INTERVAL_WEEKS = 52
MOST_OCCURRENCES = 52


@dataclass(frozen=True, slots=True)
class Rule:
    """Every ``interval_weeks`` weeks from ``first_day`` (on its weekday), ``count`` times."""

    first_day: date
    interval_weeks: int
    count: int


@dataclass(frozen=True, slots=True)
class Occurrence:
    day: date
    starts_at: datetime
    ends_at: datetime


def days(rule: Rule) -> list[date]:
    """The rule's days, in order."""
    first = datetime.combine(rule.first_day, time())
    expanded = rrule.rrule(
        rrule.WEEKLY, dtstart=first, interval=rule.interval_weeks, count=rule.count
    )
    return [moment.date() for moment in expanded]


def occurrences(rule: Rule, start: time, end: time) -> list[Occurrence] | None:
    """Each day's meeting at the Swedish clock times ``start``–``end``; None if a clock time
    does not exist on one of the days (the hour skipped when summer time begins)."""
    found: list[Occurrence] = []
    for day in days(rule):
        starts_at, ends_at = clock.wall_time(day, start), clock.wall_time(day, end)
        if starts_at is None or ends_at is None:
            return None
        found.append(Occurrence(day, starts_at, ends_at))
    return found
