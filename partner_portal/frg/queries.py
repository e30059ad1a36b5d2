"""Reads for FRG: columns into frozen rows, a constant number of queries per page, and the
availability search as one set-based query (see partner_portal.frg.availability for the rule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.frg.availability import (
    READING_ORDER,
    Part,
    Window,
    slot,
    slot_parts,
    week_start,
)
from partner_portal.frg.models import (
    Absence,
    Answer,
    Callout,
    CalloutStatus,
    FrgSkill,
    Recipient,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
    WeeklySlot,
)
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.text import swedish_sort_key


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: int
    name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    id: int
    organisation_id: int
    person_id: int
    name: str
    status: VolunteerStatus
    phone: str
    email: str
    agreement_signed_on: date | None
    basic_course_on: date | None
    registered_at: datetime | None
    created_at: datetime
    last_active_at: datetime
    week_start: date | None
    week_available: bool | None


@dataclass(frozen=True, slots=True)
class SkillRow:
    id: int
    name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    id: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class CalloutRow:
    id: int
    organisation_id: int
    organisation_name: str
    title: str
    place: str
    description: str
    starts_at: datetime
    ends_at: datetime
    people_needed: int
    skill_name: str | None
    is_exercise: bool
    status: CalloutStatus
    created_at: datetime
    closed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        """Answers are taken until the lead closes it or its end passes."""
        return self.status is CalloutStatus.OPEN and now < self.ends_at


@dataclass(frozen=True, slots=True)
class RecipientRow:
    id: int
    volunteer_id: int | None
    name: str | None  # None: the volunteer has left and is anonymised
    phone: str | None
    answer: Answer
    answered_at: datetime | None
    confirmed: bool
    role: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None

    @property
    def hours(self) -> float | None:
        if self.checked_in_at is None or self.checked_out_at is None:
            return None
        return round((self.checked_out_at - self.checked_in_at).total_seconds() / 3600, 2)


_VOLUNTEER_COLUMNS: tuple[Any, ...] = (
    col(Volunteer.id),
    col(Volunteer.organisation_id),
    col(Volunteer.person_id),
    col(Person.name),
    col(Volunteer.status),
    col(Volunteer.phone),
    col(Volunteer.email),
    col(Volunteer.agreement_signed_on),
    col(Volunteer.basic_course_on),
    col(Volunteer.registered_at),
    col(Volunteer.created_at),
    col(Volunteer.last_active_at),
    col(Volunteer.week_start),
    col(Volunteer.week_available),
)


def _volunteers() -> sa.Select[Any]:
    return sa.select(*_VOLUNTEER_COLUMNS).join(Person, col(Person.id) == col(Volunteer.person_id))


async def frg_organisation(db: AsyncSession, organisation_id: int) -> GroupRow | None:
    row: Any = (
        await db.execute(
            sa.select(col(Organisation.id), col(Organisation.name), col(Organisation.is_active))
            .where(col(Organisation.id) == organisation_id)
            .where(col(Organisation.kind) == OrganisationKind.FRG)
        )
    ).one_or_none()
    return None if row is None else GroupRow(**row._mapping)


async def is_admin(db: AsyncSession, person_id: int, organisation_id: int) -> bool:
    found = await db.scalar(
        sa.select(col(Membership.id)).where(
            col(Membership.person_id) == person_id,
            col(Membership.organisation_id) == organisation_id,
            col(Membership.role) == MembershipRole.ADMIN,
            col(Membership.ended_at).is_(None),
        )
    )
    return found is not None


async def volunteer_of(
    db: AsyncSession, person_id: int, organisation_id: int
) -> VolunteerRow | None:
    row: Any = (
        await db.execute(
            _volunteers().where(
                col(Volunteer.person_id) == person_id,
                col(Volunteer.organisation_id) == organisation_id,
            )
        )
    ).one_or_none()
    return None if row is None else VolunteerRow(**row._mapping)


async def volunteer(db: AsyncSession, volunteer_id: int) -> VolunteerRow | None:
    row: Any = (
        await db.execute(_volunteers().where(col(Volunteer.id) == volunteer_id))
    ).one_or_none()
    return None if row is None else VolunteerRow(**row._mapping)


@dataclass(frozen=True, slots=True)
class MyGroups:
    volunteering: list[tuple[GroupRow, VolunteerRow]]
    leading: list[GroupRow]


async def my_groups(db: AsyncSession, person_id: int, *, everything: bool) -> MyGroups:
    """Where the person is a volunteer, and which FRG organisations they lead (all, for a
    coordinator). Two queries."""
    rows: Any = await db.execute(
        sa.select(
            *_VOLUNTEER_COLUMNS,
            col(Organisation.name).label("group_name"),
            col(Organisation.is_active).label("group_active"),
        )
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .join(Organisation, col(Organisation.id) == col(Volunteer.organisation_id))
        .where(col(Volunteer.person_id) == person_id)
    )
    volunteering = []
    for row in rows:
        values = dict(row._mapping)
        group = GroupRow(
            values["organisation_id"], values.pop("group_name"), values.pop("group_active")
        )
        if group.is_active:
            volunteering.append((group, VolunteerRow(**values)))
    led = sa.select(
        col(Organisation.id), col(Organisation.name), col(Organisation.is_active)
    ).where(col(Organisation.kind) == OrganisationKind.FRG)
    if not everything:
        led = led.join(Membership, col(Membership.organisation_id) == col(Organisation.id)).where(
            col(Membership.person_id) == person_id,
            col(Membership.role) == MembershipRole.ADMIN,
            col(Membership.ended_at).is_(None),
            col(Organisation.is_active).is_(True),
        )
    leading = [GroupRow(**r._mapping) for r in await db.execute(led)]
    leading.sort(key=lambda g: swedish_sort_key(g.name))
    return MyGroups(volunteering, leading)


async def skills(db: AsyncSession, organisation_id: int, *, active_only: bool) -> list[SkillRow]:
    query = (
        sa.select(col(FrgSkill.id), col(FrgSkill.name), col(FrgSkill.is_active))
        .where(col(FrgSkill.organisation_id) == organisation_id)
        .order_by(col(FrgSkill.sort_key))
    )
    if active_only:
        query = query.where(col(FrgSkill.is_active).is_(True))
    return [SkillRow(**r._mapping) for r in await db.execute(query)]


async def skill_ids_of(db: AsyncSession, volunteer_id: int) -> set[int]:
    rows = await db.scalars(
        sa.select(col(VolunteerSkill.skill_id)).where(
            col(VolunteerSkill.volunteer_id) == volunteer_id
        )
    )
    return set(rows)


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


@dataclass(frozen=True, slots=True)
class RosterRow:
    volunteer: VolunteerRow
    skills: tuple[str, ...]


async def roster(db: AsyncSession, organisation_id: int) -> list[RosterRow]:
    """Every volunteer of the organisation with their skills, in Swedish name order. Two
    queries, whatever the number of volunteers."""
    rows: Any = await db.execute(
        _volunteers().where(col(Volunteer.organisation_id) == organisation_id)
    )
    volunteers = [VolunteerRow(**r._mapping) for r in rows]
    named: dict[int, list[str]] = {}
    pairs: Any = await db.execute(
        sa.select(col(VolunteerSkill.volunteer_id), col(FrgSkill.name))
        .join(FrgSkill, col(FrgSkill.id) == col(VolunteerSkill.skill_id))
        .where(col(FrgSkill.organisation_id) == organisation_id)
        .order_by(col(FrgSkill.sort_key))
    )
    for volunteer_id, name in pairs:
        named.setdefault(volunteer_id, []).append(name)
    volunteers.sort(key=lambda v: swedish_sort_key(v.name))
    return [RosterRow(v, tuple(named.get(v.id, ()))) for v in volunteers]


async def skill_counts(db: AsyncSession, organisation_id: int) -> list[tuple[str, int]]:
    """Active, registered volunteers per skill on the list (zero included). One query."""
    counted = (
        sa.select(col(VolunteerSkill.skill_id), sa.func.count().label("n"))
        .join(Volunteer, col(Volunteer.id) == col(VolunteerSkill.volunteer_id))
        .where(*_callable(organisation_id))
        .group_by(col(VolunteerSkill.skill_id))
        .subquery()
    )
    rows: Any = await db.execute(
        sa.select(col(FrgSkill.name), sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.skill_id == col(FrgSkill.id))
        .where(col(FrgSkill.organisation_id) == organisation_id, col(FrgSkill.is_active).is_(True))
        .order_by(col(FrgSkill.sort_key))
    )
    return [(name, int(n)) for name, n in rows]


def _callable(organisation_id: int) -> tuple[sa.ColumnElement[bool], ...]:
    """Volunteers who may be searched and called out: approved and registered."""
    return (
        col(Volunteer.organisation_id) == organisation_id,
        col(Volunteer.status) == VolunteerStatus.ACTIVE,
        col(Volunteer.registered_at).is_not(None),
    )


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
    conditions = [*_callable(organisation_id), ~absent, not_declined_week, covered]
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
            .where(*_callable(organisation_id))
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
    exceptional = sa.select(col(Volunteer.id)).where(*_callable(organisation_id), exception)
    answers: Any = await db.execute(
        sa.select(
            col(Volunteer.id), col(Volunteer.week_start), col(Volunteer.week_available)
        ).where(*_callable(organisation_id), exception)
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


_CALLOUT_COLUMNS: tuple[Any, ...] = (
    col(Callout.id),
    col(Callout.organisation_id),
    col(Organisation.name).label("organisation_name"),
    col(Callout.title),
    col(Callout.place),
    col(Callout.description),
    col(Callout.starts_at),
    col(Callout.ends_at),
    col(Callout.people_needed),
    col(FrgSkill.name).label("skill_name"),
    col(Callout.is_exercise),
    col(Callout.status),
    col(Callout.created_at),
    col(Callout.closed_at),
)


def _callouts() -> sa.Select[Any]:
    return (
        sa.select(*_CALLOUT_COLUMNS)
        .join(Organisation, col(Organisation.id) == col(Callout.organisation_id))
        .outerjoin(FrgSkill, col(FrgSkill.id) == col(Callout.skill_id))
    )


async def callouts(db: AsyncSession, organisation_id: int, *, limit: int = 50) -> list[CalloutRow]:
    rows: Any = await db.execute(
        _callouts()
        .where(col(Callout.organisation_id) == organisation_id)
        .order_by(col(Callout.created_at).desc(), col(Callout.id).desc())
        .limit(limit)
    )
    return [CalloutRow(**r._mapping) for r in rows]


async def callout(db: AsyncSession, callout_id: int) -> CalloutRow | None:
    row: Any = (await db.execute(_callouts().where(col(Callout.id) == callout_id))).one_or_none()
    return None if row is None else CalloutRow(**row._mapping)


async def recipients(db: AsyncSession, callout_id: int) -> list[RecipientRow]:
    """The recipients with their answers: yes first, then no answer yet, then no. One query."""
    rows: Any = await db.execute(
        sa.select(
            col(Recipient.id),
            col(Recipient.volunteer_id),
            col(Person.name),
            col(Volunteer.phone),
            col(Recipient.answer),
            col(Recipient.answered_at),
            col(Recipient.confirmed),
            col(Recipient.role),
            col(Recipient.checked_in_at),
            col(Recipient.checked_out_at),
        )
        .outerjoin(Volunteer, col(Volunteer.id) == col(Recipient.volunteer_id))
        .outerjoin(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Recipient.callout_id) == callout_id)
    )
    order = {Answer.YES: 0, Answer.NONE: 1, Answer.NO: 2}
    found = [RecipientRow(**r._mapping) for r in rows]
    found.sort(key=lambda r: (order[r.answer], swedish_sort_key(r.name or "~"), r.id))
    return found


@dataclass(frozen=True, slots=True)
class MyCallout:
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    is_exercise: bool
    answer: Answer
    answered_at: datetime | None
    role: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None


async def callouts_of(db: AsyncSession, volunteer_id: int) -> list[MyCallout]:
    rows: Any = await db.execute(
        sa.select(
            col(Callout.title),
            col(Callout.place),
            col(Callout.starts_at),
            col(Callout.ends_at),
            col(Callout.is_exercise),
            col(Recipient.answer),
            col(Recipient.answered_at),
            col(Recipient.role),
            col(Recipient.checked_in_at),
            col(Recipient.checked_out_at),
        )
        .join(Callout, col(Callout.id) == col(Recipient.callout_id))
        .where(col(Recipient.volunteer_id) == volunteer_id)
        .order_by(col(Callout.starts_at).desc())
    )
    return [MyCallout(**r._mapping) for r in rows]


@dataclass(frozen=True, slots=True)
class HeldData:
    """What the register holds about one volunteer besides the registration itself."""

    skill_names: list[str]  # in Swedish order
    slots: frozenset[int]
    absences: list[AbsenceRow]
    callouts: list[MyCallout]


async def held_about(db: AsyncSession, volunteer: VolunteerRow) -> HeldData:
    """For the volunteer's own page and their download alike. Five queries."""
    names = {s.id: s.name for s in await skills(db, volunteer.organisation_id, active_only=False)}
    mine = await skill_ids_of(db, volunteer.id)
    return HeldData(
        skill_names=sorted((names[i] for i in mine if i in names), key=swedish_sort_key),
        slots=await slots_of(db, volunteer.id),
        absences=await absences_of(db, volunteer.id),
        callouts=await callouts_of(db, volunteer.id),
    )
