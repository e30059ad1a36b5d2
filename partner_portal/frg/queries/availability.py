"""Reads of availability: the volunteer's weekly pattern and absences, the lead's search (one
set-based query) and the day-by-day overview. The rule itself is in partner_portal.frg.slots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.frg.models import (
    Absence,
    Callout,
    Recipient,
    Volunteer,
    VolunteerSkill,
    WeeklySlot,
)
from partner_portal.frg.queries.members import callable_where
from partner_portal.frg.slots import (
    READING_ORDER,
    Part,
    Window,
    slot,
    slot_parts,
    week_start,
)
from partner_portal.platform.text import swedish_sort_key


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    id: int
    starts_on: date
    ends_on: date


async def slots_of(db: AsyncSession, volunteer_id: int) -> frozenset[int]:
    rows = await db.scalars(
        sa.select(col(WeeklySlot.slot)).where(col(WeeklySlot.volunteer_id) == volunteer_id)
    )
    return frozenset(rows)


async def absences_of(db: AsyncSession, volunteer_id: int) -> list[AbsenceRow]:
    rows: Any = await db.execute(
        sa.select(col(Absence.id), col(Absence.starts_on), col(Absence.ends_on))
        .where(col(Absence.volunteer_id) == volunteer_id)
        .order_by(col(Absence.starts_on))
    )
    return [AbsenceRow(**r._mapping) for r in rows]


def _covers(slots: frozenset[int]) -> sa.ColumnElement[bool]:
    """The volunteer's weekly pattern includes every one of ``slots``."""
    if not slots:
        return sa.true()
    have = (
        sa.select(sa.func.count())
        .where(
            col(WeeklySlot.volunteer_id) == col(Volunteer.id),
            col(WeeklySlot.slot).in_(sorted(slots)),
        )
        .scalar_subquery()
    )
    return have == len(slots)


def available_where(
    organisation_id: int, window: Window, skill_ids: frozenset[int] = frozenset()
) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``frg_volunteer`` that make a volunteer available for the window:

    no absence touches any of its days; not "not this week" in any week it touches; and the
    weekly pattern covers every slot it touches — except in a week answered "available this
    week", which is covered whole. Plus every skill asked for.
    """
    absent = sa.exists().where(
        col(Absence.volunteer_id) == col(Volunteer.id),
        col(Absence.starts_on) <= window.last_day,
        col(Absence.ends_on) >= window.first_day,
    )
    weeks = list(window.weeks)
    not_declined_week = sa.or_(
        col(Volunteer.week_start).is_(None),
        col(Volunteer.week_start).not_in(weeks),
        col(Volunteer.week_available).is_(True),
    )
    covered = sa.or_(
        _covers(window.all_slots),
        *(
            sa.and_(
                col(Volunteer.week_start) == week,
                col(Volunteer.week_available).is_(True),
                _covers(window.slots_outside(week)),
            )
            for week in weeks
        ),
    )
    conditions = [*callable_where(organisation_id), ~absent, not_declined_week, covered]
    for skill_id in sorted(skill_ids):
        conditions.append(
            sa.exists().where(
                col(VolunteerSkill.volunteer_id) == col(Volunteer.id),
                col(VolunteerSkill.skill_id) == skill_id,
            )
        )
    return conditions


@dataclass(frozen=True, slots=True)
class AvailableRow:
    id: int
    name: str
    phone: str
    email: str
    recent_callouts: int


async def available(
    db: AsyncSession,
    organisation_id: int,
    window: Window,
    skill_ids: frozenset[int] = frozenset(),
    *,
    since: datetime | None = None,
) -> list[AvailableRow]:
    """Volunteers available for the whole window with every skill asked for, with how many
    call-outs each has had since ``since`` (fewest first, then by name). One query."""
    recent = sa.select(sa.func.count()).where(col(Recipient.volunteer_id) == col(Volunteer.id))
    if since is not None:
        recent = (
            recent.select_from(Recipient)
            .join(Callout, col(Callout.id) == col(Recipient.callout_id))
            .where(col(Callout.created_at) >= since)
        )
    rows: Any = await db.execute(
        sa.select(
            col(Volunteer.id),
            col(Person.name),
            col(Volunteer.phone),
            col(Volunteer.email),
            recent.scalar_subquery().label("recent_callouts"),
        )
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(*available_where(organisation_id, window, skill_ids))
    )
    found = [AvailableRow(**r._mapping) for r in rows]
    found.sort(key=lambda r: (r.recent_callouts, swedish_sort_key(r.name), r.id))
    return found


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    counts: dict[Part, int]


async def overview(
    db: AsyncSession, organisation_id: int, first_day: date, days: int
) -> list[DayCounts]:
    """How many volunteers are available in each part of each day from ``first_day``. Four
    queries whatever the number of volunteers: everyone's weekly pattern grouped by slot in
    the database, corrected here on the days an absence or a one-tap answer changes it."""
    last_day = first_day + timedelta(days=days - 1)
    weeks = sorted({week_start(first_day + timedelta(days=i)) for i in range(days)})
    # Most volunteers have neither an absence nor a one-tap answer in the period: they count
    # by their weekly pattern alone, grouped by slot once (28 groups), not once per day.
    exception = sa.or_(
        sa.exists().where(
            col(Absence.volunteer_id) == col(Volunteer.id),
            col(Absence.starts_on) <= last_day,
            col(Absence.ends_on) >= first_day,
        ),
        sa.and_(col(Volunteer.week_start).is_not(None), col(Volunteer.week_start).in_(weeks)),
    )
    # Everyone by their weekly pattern, grouped by slot in the database (28 groups) …
    by_slot: dict[int, int] = {
        int(value): int(n)
        for value, n in await db.execute(
            sa.select(col(WeeklySlot.slot), sa.func.count())
            .join(Volunteer, col(Volunteer.id) == col(WeeklySlot.volunteer_id))
            .where(*callable_where(organisation_id))
            .group_by(col(WeeklySlot.slot))
        )
    }
    counts: dict[int, dict[Part, int]] = {}
    for index in range(days):
        weekday = (first_day + timedelta(days=index)).weekday()
        counts[index] = {part: by_slot.get(slot(weekday, part), 0) for part in Part}
    # … then corrected, here, on the days that differ for the few with an absence or a one-tap
    # answer in the period: three plain reads and a short loop are far cheaper (on SQLite above
    # all) than joining every volunteer to every day and part in SQL.
    exceptional = sa.select(col(Volunteer.id)).where(*callable_where(organisation_id), exception)
    answers: Any = await db.execute(
        sa.select(
            col(Volunteer.id), col(Volunteer.week_start), col(Volunteer.week_available)
        ).where(*callable_where(organisation_id), exception)
    )
    weeks_of: dict[int, tuple[date | None, bool | None]] = {
        int(v_id): (w_start, w_available) for v_id, w_start, w_available in answers
    }
    parts_by_weekday: dict[int, list[list[Part]]] = {
        v_id: [[] for _ in range(7)] for v_id in weeks_of
    }
    for v_id, value in await db.execute(
        sa.select(col(WeeklySlot.volunteer_id), col(WeeklySlot.slot)).where(
            col(WeeklySlot.volunteer_id).in_(exceptional)
        )
    ):
        weekday, part = slot_parts(int(value))
        parts_by_weekday[v_id][weekday].append(part)
    away: dict[int, set[int]] = {}
    for v_id, starts_on, ends_on in await db.execute(
        sa.select(col(Absence.volunteer_id), col(Absence.starts_on), col(Absence.ends_on)).where(
            col(Absence.volunteer_id).in_(exceptional),
            col(Absence.starts_on) <= last_day,
            col(Absence.ends_on) >= first_day,
        )
    ):
        first = max((starts_on - first_day).days, 0)
        last = min((ends_on - first_day).days, days - 1)
        away.setdefault(v_id, set()).update(range(first, last + 1))
    all_parts = list(Part)
    for v_id, (answered_week, answer) in weeks_of.items():
        by_weekday = parts_by_weekday[v_id]
        absent_days = away.get(v_id, set())
        answered_days: set[int] = set()
        if answered_week is not None:
            offset = (answered_week - first_day).days
            answered_days = {i for i in range(offset, offset + 7) if 0 <= i < days}
        for index in absent_days | answered_days:
            pattern = by_weekday[(first_day + timedelta(days=index)).weekday()]
            if index in absent_days:
                actual: list[Part] = []
            else:
                actual = all_parts if answer else []
            cell = counts[index]
            for part in pattern:
                cell[part] -= 1
            for part in actual:
                cell[part] += 1
    return [
        DayCounts(first_day + timedelta(days=i), {p: counts[i][p] for p in READING_ORDER})
        for i in range(days)
    ]
