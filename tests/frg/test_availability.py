"""Availability search: weekly patterns, absences, the one-tap week answer, skills, and the
daylight-saving changes — the set-based query agrees with the rule written out in Python."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.frg.models import VolunteerStatus
from partner_portal.frg.queries import availability as availability_queries
from partner_portal.frg.slots import (
    Part,
    is_available,
    local_moment,
    slot,
    week_start,
    window,
)
from partner_portal.platform import clock
from partner_portal.platform.clock import TIMEZONE
from tests.frg.factories import make_group, make_volunteer, skill_id

MON, TUE, SUN = 0, 1, 6
M, A, E, N = Part.MORNING, Part.AFTERNOON, Part.EVENING, Part.NIGHT


# The days are taken from the clock, so that each run searches weeks around its own today;
# the daylight-saving changes are this year's, found by their rule (checked below).


def a_tuesday() -> date:
    """The Tuesday of next week."""
    return week_start(clock.today()) + timedelta(days=8)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - SUN) % 7)


def spring_change() -> date:
    """The last Sunday of March this year: 02:00 CET → 03:00 CEST."""
    return last_sunday(clock.today().year, 3)


def autumn_change() -> date:
    """The last Sunday of October this year: 03:00 CEST → 02:00 CET."""
    return last_sunday(clock.today().year, 10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# --- the window, in Swedish time (pure) ---------------------------------------------------------


def test_a_window_touches_the_parts_of_the_day_it_overlaps() -> None:
    tuesday = a_tuesday()
    w = window(local(tuesday, 17), local(tuesday, 19))

    monday = tuesday - timedelta(days=1)
    assert w.slots_by_week == {monday: frozenset({slot(TUE, A), slot(TUE, E)})}
    assert (w.first_day, w.last_day) == (tuesday, tuesday)


def test_a_window_ending_at_midnight_does_not_touch_the_next_day() -> None:
    tuesday = a_tuesday()
    w = window(local(tuesday, 20), local(tuesday + timedelta(days=1), 0))

    assert w.all_slots == {slot(TUE, E)}
    assert w.last_day == tuesday


def test_a_window_over_a_weekend_spans_two_weeks() -> None:
    sunday = a_tuesday() + timedelta(days=5)
    w = window(local(sunday, 20), local(sunday + timedelta(days=1), 8))

    assert w.slots_by_week == {
        sunday - timedelta(days=6): frozenset({slot(SUN, E)}),
        sunday + timedelta(days=1): frozenset({slot(MON, N), slot(MON, M)}),
    }


def test_the_changes_are_found_by_their_rule() -> None:
    """The Sundays below really are this year's changes: the UTC offset at noon moves."""

    def offset_at_noon(day: date) -> timedelta | None:
        return datetime.combine(day, time(12), TIMEZONE).utcoffset()

    for day, before, after in ((spring_change(), 1, 2), (autumn_change(), 2, 1)):
        assert day.weekday() == SUN
        assert (day + timedelta(days=7)).month != day.month  # the month's last Sunday
        assert offset_at_noon(day - timedelta(days=1)) == timedelta(hours=before)
        assert offset_at_noon(day) == timedelta(hours=after)


def test_the_spring_change_is_read_in_swedish_time() -> None:
    spring = spring_change()
    # 04:30–05:30 UTC is 06:30–07:30 summer time: the morning. Adding a fixed hour for Sweden
    # would wrongly make it 05:30–06:30 and touch the night.
    w = window(utc(spring, 4, 30), utc(spring, 5, 30))

    assert w.all_slots == {slot(SUN, M)}
    # That night is five hours long: the clock jumps from 02:00 to 03:00.
    assert local_moment(spring, 6) - local_moment(spring, 0) == timedelta(hours=5)


def test_the_autumn_change_is_read_in_swedish_time() -> None:
    autumn = autumn_change()
    # 04:30–05:00 UTC is 05:30–06:00 winter time: still the night (not 06:30 summer time).
    w = window(utc(autumn, 4, 30), utc(autumn, 5, 0))

    assert w.all_slots == {slot(SUN, N)}
    assert local_moment(autumn, 6) - local_moment(autumn, 0) == timedelta(hours=7)


def test_windows_that_end_before_they_start_or_last_too_long_are_refused() -> None:
    tuesday = a_tuesday()
    with pytest.raises(ValueError, match="after"):
        window(local(tuesday, 10), local(tuesday, 10))
    with pytest.raises(ValueError, match="too long"):
        window(local(tuesday, 10), local(tuesday, 10) + timedelta(days=32))


# --- the search, in the database -----------------------------------------------------------------


async def names(
    db: AsyncSession, group: int, starts: datetime, ends: datetime, *skills: int
) -> set[str]:
    found = await availability_queries.available(db, group, window(starts, ends), frozenset(skills))
    return {r.name for r in found}


async def test_the_weekly_pattern_decides(db: AsyncSession, group: int) -> None:
    tuesday = a_tuesday()
    await make_volunteer(db, group, "Eva Kvällar", slots=[slot(d, E) for d in range(5)])
    await make_volunteer(db, group, "Alma Alltid")
    await make_volunteer(db, group, "Ines Ingenting", slots=[])

    assert await names(db, group, local(tuesday, 19), local(tuesday, 21)) == {
        "Eva Kvällar",
        "Alma Alltid",
    }
    assert await names(db, group, local(tuesday, 10), local(tuesday, 12)) == {"Alma Alltid"}
    # Afternoon into evening: every part the window touches must be in the pattern.
    assert await names(db, group, local(tuesday, 17), local(tuesday, 19)) == {"Alma Alltid"}
    # Saturday evening is not a weekday evening.
    saturday = tuesday + timedelta(days=4)
    assert await names(db, group, local(saturday, 19), local(saturday, 21)) == {"Alma Alltid"}


async def test_absences_count_by_swedish_calendar_day(db: AsyncSession, group: int) -> None:
    tuesday = a_tuesday()
    await make_volunteer(db, group, "Anna Borta", absences=[(tuesday, tuesday)])
    await make_volunteer(
        db,
        group,
        "Bengt Bortaigår",
        absences=[(tuesday - timedelta(days=3), tuesday - timedelta(days=1))],
    )
    await make_volunteer(
        db,
        group,
        "Cecilia Imorgon",
        absences=[(tuesday + timedelta(days=1), tuesday + timedelta(days=9))],
    )

    assert await names(db, group, local(tuesday, 19), local(tuesday, 21)) == {
        "Bengt Bortaigår",
        "Cecilia Imorgon",
    }
    # Over midnight into Wednesday: Cecilia is away then.
    assert await names(db, group, local(tuesday, 22), local(tuesday, 23) + timedelta(hours=3)) == {
        "Bengt Bortaigår"
    }
    # 23:30 UTC on Monday is already Tuesday in Sweden: Anna is away.
    assert "Anna Borta" not in await names(
        db, group, utc(tuesday - timedelta(days=1), 23, 30), utc(tuesday, 0, 30)
    )


async def test_the_one_tap_week_answer_overrides_the_pattern_for_that_week(
    db: AsyncSession, group: int
) -> None:
    tuesday = a_tuesday()
    this_week = week_start(tuesday)
    await make_volunteer(db, group, "Jonas Jadennaveckan", slots=[], week=(this_week, True))
    await make_volunteer(db, group, "Nora Nejdennaveckan", week=(this_week, False))
    await make_volunteer(db, group, "Olle Förraveckan", week=(this_week - timedelta(days=7), False))

    assert await names(db, group, local(tuesday, 3), local(tuesday, 5)) == {
        "Jonas Jadennaveckan",
        "Olle Förraveckan",
    }
    next_tuesday = tuesday + timedelta(days=7)
    assert await names(db, group, local(next_tuesday, 3), local(next_tuesday, 5)) == {
        "Nora Nejdennaveckan",
        "Olle Förraveckan",
    }
    # Sunday night into Monday of the next week: Jonas's yes does not cover the Monday.
    sunday = this_week + timedelta(days=6)
    assert await names(db, group, local(sunday, 22), local(sunday + timedelta(days=1), 2)) == {
        "Olle Förraveckan"
    }


async def test_across_the_daylight_saving_changes(db: AsyncSession, group: int) -> None:
    spring = spring_change()
    autumn = autumn_change()
    await make_volunteer(db, group, "Sara Söndagsmorgon", slots=[slot(SUN, M)])
    await make_volunteer(db, group, "Nils Söndagsnatt", slots=[slot(SUN, N)])

    assert await names(db, group, utc(spring, 4, 30), utc(spring, 5, 30)) == {"Sara Söndagsmorgon"}
    assert await names(db, group, utc(autumn, 4, 30), utc(autumn, 5, 0)) == {"Nils Söndagsnatt"}
    # The whole lengthened night of the autumn change: 00:00 CEST (22:00 UTC) – 06:00 CET.
    assert await names(db, group, local(autumn, 0), local(autumn, 6)) == {"Nils Söndagsnatt"}


async def test_every_skill_asked_for_is_needed(db: AsyncSession, group: int) -> None:
    tuesday = a_tuesday()
    await make_volunteer(db, group, "Kim Kör", skills=["Körkort B"])
    await make_volunteer(db, group, "Hanna Hjälp", skills=["Körkort B", "Första hjälpen"])
    driving = await skill_id(db, group, "Körkort B")
    first_aid = await skill_id(db, group, "Första hjälpen")

    assert await names(db, group, local(tuesday, 10), local(tuesday, 11), driving) == {
        "Kim Kör",
        "Hanna Hjälp",
    }
    assert await names(db, group, local(tuesday, 10), local(tuesday, 11), driving, first_aid) == {
        "Hanna Hjälp"
    }


async def test_only_approved_registered_volunteers_of_the_group_are_found(
    db: AsyncSession, group: int
) -> None:
    tuesday = a_tuesday()
    other = await make_group(db, "FRG Huddinge")
    await make_volunteer(db, group, "Gun Godkänd")
    await make_volunteer(db, group, "Pia Väntar", status=VolunteerStatus.PENDING)
    await make_volunteer(db, group, "Ulf Oregistrerad", registered=False)
    await make_volunteer(db, other, "Hugo Huddinge")

    assert await names(db, group, local(tuesday, 10), local(tuesday, 11)) == {"Gun Godkänd"}


async def test_the_query_agrees_with_the_rule_for_random_volunteers_and_windows(
    db: AsyncSession, group: int
) -> None:
    rng = random.Random(8)  # noqa: S311 (test data)
    first = week_start(spring_change()) - timedelta(days=7)  # three weeks, the change midway
    people: dict[str, tuple[frozenset[int], list[tuple[date, date]], tuple[date, bool] | None]] = {}
    for index in range(40):
        pattern = frozenset(s for s in range(28) if rng.random() < 0.6)
        absences = []
        if rng.random() < 0.4:
            start = first + timedelta(days=rng.randrange(21))
            absences.append((start, start + timedelta(days=rng.randrange(4))))
        week = (
            (week_start(first + timedelta(days=rng.randrange(21))), rng.random() < 0.5)
            if rng.random() < 0.3
            else None
        )
        name = f"Frivillig {index:02d}"
        await make_volunteer(db, group, name, slots=pattern, absences=absences, week=week)
        people[name] = (pattern, absences, week)
    for _ in range(25):
        starts = local(first, 0) + timedelta(minutes=30 * rng.randrange(21 * 48))
        ends = starts + timedelta(minutes=30 * rng.randint(1, 80))
        w = window(starts, ends)
        expected = {n for n, (p, a, wk) in people.items() if is_available(w, p, a, wk)}
        assert await names(db, group, starts, ends) == expected, (starts, ends)


async def test_the_overview_counts_each_part_of_each_day(db: AsyncSession, group: int) -> None:
    rng = random.Random(11)  # noqa: S311 (test data)
    first = week_start(spring_change())  # the week of the spring change, and the next
    people = []
    for index in range(15):
        pattern = frozenset(s for s in range(28) if rng.random() < 0.5)
        absences = (
            [(first + timedelta(days=index % 9), first + timedelta(days=index % 9 + 1))]
            if index % 3 == 0
            else []
        )
        week = (week_start(first), index % 2 == 0) if index % 4 == 0 else None
        await make_volunteer(
            db, group, f"Frivillig {index:02d}", slots=pattern, absences=absences, week=week
        )
        people.append((pattern, absences, week))

    # Absences reaching over either end of the period, and a yes-week the period ends inside.
    edges = [
        (frozenset(range(28)), [(first - timedelta(days=5), first + timedelta(days=1))], None),
        (frozenset({1, 2}), [(first + timedelta(days=12), first + timedelta(days=30))], None),
        (frozenset(), [], (week_start(first + timedelta(days=13)), True)),
    ]
    for index, (pattern, absences, week) in enumerate(edges):
        await make_volunteer(
            db, group, f"Kant {index}", slots=pattern, absences=absences, week=week
        )
        people.append((pattern, absences, week))

    days = await availability_queries.overview(db, group, first, 14)

    assert [d.day for d in days] == [first + timedelta(days=i) for i in range(14)]
    for d in days:
        for part, count in d.counts.items():
            hour = {N: 0, M: 6, A: 12, E: 18}[part]
            w = window(local_moment(d.day, hour), local_moment(d.day, hour + 6))
            assert count == sum(1 for p, a, wk in people if is_available(w, p, a, wk)), (
                d.day,
                part,
            )
