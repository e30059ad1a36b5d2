"""Weekly availability in Swedish time, as pure functions: the rule, below the reads that apply
it (partner_portal.frg.queries.availability) and the volunteer's answers (frg.availability).

A day has four parts, in Europe/Stockholm local time: förmiddag 06–12, eftermiddag 12–18, kväll
18–24 and natt 00–06 (the early hours of that same day). A weekly slot is weekday × 4 + part,
0 (Monday night) … 27 (Sunday evening). A time window is turned into the slots it touches by
walking local time, so the window is read correctly across the daylight-saving changes: on the
last Sunday of March the night part is five hours long, in October seven.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from partner_portal.platform.clock import TIMEZONE


class Part(enum.IntEnum):
    NIGHT = 0  # 00–06
    MORNING = 1  # 06–12
    AFTERNOON = 2  # 12–18
    EVENING = 3  # 18–24


PART_START_HOUR = {Part.NIGHT: 0, Part.MORNING: 6, Part.AFTERNOON: 12, Part.EVENING: 18}
# The order a person reads a day in: morning first, night last.
READING_ORDER = (Part.MORNING, Part.AFTERNOON, Part.EVENING, Part.NIGHT)
PART_CODES = {Part.NIGHT: "natt", Part.MORNING: "fm", Part.AFTERNOON: "em", Part.EVENING: "kvall"}
MAX_WINDOW = timedelta(days=31)


def slot(weekday: int, part: Part) -> int:
    return weekday * 4 + int(part)


def slot_parts(value: int) -> tuple[int, Part]:
    return value // 4, Part(value % 4)


def week_start(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def offered_weeks(today: date) -> tuple[date, ...]:
    """The weeks (by Monday) a volunteer may give the one-tap answer for on ``today`` (a
    Swedish date): this week; on a Sunday, whose week has only that day left, next week too."""
    this_week = week_start(today)
    if today.weekday() == 6:
        return (this_week, this_week + timedelta(days=7))
    return (this_week,)


def local_moment(day: date, hour: int) -> datetime:
    """``hour`` o'clock on ``day`` in Swedish time, as UTC. 24 means midnight after the day.

    A wall time skipped by the spring change (02:00–03:00) does not occur at a part boundary,
    which are all at 00, 06, 12 and 18."""
    if hour == 24:
        return local_moment(day + timedelta(days=1), 0)
    return datetime.combine(day, time(hour), tzinfo=TIMEZONE).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Window:
    """What a time window asks of a volunteer: each week it touches (by Monday) with the slots
    it touches in that week, and the first and last local dates (for absences)."""

    first_day: date
    last_day: date
    slots_by_week: dict[date, frozenset[int]]

    @property
    def weeks(self) -> tuple[date, ...]:
        return tuple(sorted(self.slots_by_week))

    @property
    def all_slots(self) -> frozenset[int]:
        return frozenset().union(*self.slots_by_week.values())

    def slots_outside(self, week: date) -> frozenset[int]:
        """The slots needed in the other weeks (when ``week`` is covered by a one-tap yes)."""
        return frozenset().union(
            *(s for w, s in self.slots_by_week.items() if w != week), frozenset()
        )


def window(starts_at: datetime, ends_at: datetime) -> Window:
    """The slots and days the window [starts_at, ends_at) touches, in Swedish time."""
    if ends_at <= starts_at:
        raise ValueError("the window must end after it starts")
    if ends_at - starts_at > MAX_WINDOW:
        raise ValueError("the window is too long")
    first_day = starts_at.astimezone(TIMEZONE).date()
    last_day = (ends_at - timedelta(microseconds=1)).astimezone(TIMEZONE).date()
    by_week: dict[date, set[int]] = {}
    day = first_day
    while day <= last_day:
        for part in Part:
            begins = local_moment(day, PART_START_HOUR[part])
            ends = local_moment(day, PART_START_HOUR[part] + 6)
            if begins < ends_at and ends > starts_at:
                by_week.setdefault(week_start(day), set()).add(slot(day.weekday(), part))
        day += timedelta(days=1)
    return Window(first_day, last_day, {w: frozenset(s) for w, s in by_week.items()})


def is_available(
    window: Window,
    pattern: frozenset[int],
    absences: list[tuple[date, date]],
    week: tuple[date, bool] | None,
) -> bool:
    """The rule the database query implements, for one volunteer (tests and the proposal)."""
    if any(start <= window.last_day and end >= window.first_day for start, end in absences):
        return False
    if week is not None and week[0] in window.slots_by_week:
        if not week[1]:
            return False
        return window.slots_outside(week[0]) <= pattern
    return window.all_slots <= pattern
