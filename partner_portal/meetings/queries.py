"""Reads about meetings: columns, not entities; a constant number of queries per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import Action, ActionStatus
from partner_portal.auth.models import Person
from partner_portal.evidence.models import Process
from partner_portal.meetings.models import (
    CalendarFeed,
    Meeting,
    MeetingDecision,
    MeetingOrganisation,
    MeetingPerson,
    Rsvp,
    SeriesOccurrence,
)
from partner_portal.organisations.acting import acting_for, organisation_ids_of
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.rooms.models import Participation, ParticipationStatus, Room, RoomPhase
from partner_portal.rooms.visibility import my_room_ids


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    uid: str
    sequence: int
    room_id: int | None
    room_name: str | None
    process: Process | None
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    agenda: str
    organiser_id: int
    organiser_name: str
    organiser_email: str | None
    updated_at: datetime
    cancelled_at: datetime | None
    minutes: str
    minutes_filed_at: datetime | None
    # The series the meeting is an occurrence of (meetings.series), if any.
    series_id: int | None = None
    personal_data_free: bool = False  # in a forum marked so (VPC): its pages say so

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


@dataclass(frozen=True, slots=True)
class MeetingListRow:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    room_name: str | None
    cancelled_at: datetime | None
    minutes_filed_at: datetime | None
    my_rsvp: Rsvp | None


@dataclass(frozen=True, slots=True)
class InviteeRow:
    """A person of an invited organisation, with their answer and attendance."""

    person_id: int
    name: str
    email: str | None
    organisation_id: int
    organisation_name: str
    rsvp: Rsvp | None
    attended: bool | None


@dataclass(frozen=True, slots=True)
class DecisionRow:
    id: int
    text: str
    created_at: datetime


def my_invited_meeting_ids(person_id: int) -> Any:
    return sa.select(col(MeetingOrganisation.meeting_id)).where(
        col(MeetingOrganisation.organisation_id).in_(organisation_ids_of(person_id))
    )


def visible_to(person_id: int) -> sa.ColumnElement[bool]:
    """Room meetings follow the room's membership; portal-wide ones are seen by the people of
    the invited organisations. (Coordinators see every meeting: callers do not filter them.)"""
    return sa.or_(
        sa.and_(
            col(Meeting.room_id).is_not(None), col(Meeting.room_id).in_(my_room_ids(person_id))
        ),
        sa.and_(
            col(Meeting.room_id).is_(None), col(Meeting.id).in_(my_invited_meeting_ids(person_id))
        ),
    )


def _meeting_columns() -> Any:
    return (
        sa.select(
            col(Meeting.id),
            col(Meeting.uid),
            col(Meeting.sequence),
            col(Meeting.room_id),
            col(Room.name).label("room_name"),
            col(Room.process),
            col(Meeting.title),
            col(Meeting.starts_at),
            col(Meeting.ends_at),
            col(Meeting.place),
            col(Meeting.video_url),
            col(Meeting.agenda),
            col(Meeting.organiser_id),
            col(Person.name).label("organiser_name"),
            col(Person.email).label("organiser_email"),
            col(Meeting.updated_at),
            col(Meeting.cancelled_at),
            col(Meeting.minutes),
            col(Meeting.minutes_filed_at),
            col(SeriesOccurrence.series_id),
            sa.func.coalesce(col(Room.personal_data_free), sa.false()).label("personal_data_free"),
        )
        .outerjoin(Room, col(Room.id) == col(Meeting.room_id))
        .join(Person, col(Person.id) == col(Meeting.organiser_id))
        .outerjoin(SeriesOccurrence, col(SeriesOccurrence.meeting_id) == col(Meeting.id))
    )


async def meeting(db: AsyncSession, meeting_id: int) -> MeetingRow | None:
    row = (await db.execute(_meeting_columns().where(col(Meeting.id) == meeting_id))).one_or_none()
    return MeetingRow(**row._mapping) if row else None


async def meetings_in(db: AsyncSession, meeting_ids: Sequence[int]) -> list[MeetingRow]:
    if not meeting_ids:
        return []
    rows = await db.execute(
        _meeting_columns()
        .where(col(Meeting.id).in_(list(meeting_ids)))
        .order_by(col(Meeting.starts_at))
    )
    return [MeetingRow(**row._mapping) for row in rows]


async def meetings_for(
    db: AsyncSession,
    person_id: int,
    *,
    everything: bool,
    room_id: int | None = None,
    limit: int = 300,
) -> list[MeetingListRow]:
    """The meetings a person may see (all, for coordinators), newest first; one query."""
    mine = sa.and_(
        col(MeetingPerson.meeting_id) == col(Meeting.id), col(MeetingPerson.person_id) == person_id
    )
    query: Any = (
        sa.select(
            col(Meeting.id),
            col(Meeting.title),
            col(Meeting.starts_at),
            col(Meeting.ends_at),
            col(Room.name).label("room_name"),
            col(Meeting.cancelled_at),
            col(Meeting.minutes_filed_at),
            col(MeetingPerson.rsvp).label("my_rsvp"),
        )
        .outerjoin(Room, col(Room.id) == col(Meeting.room_id))
        .outerjoin(MeetingPerson, mine)
        .order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
        .limit(limit)
    )
    if not everything:
        query = query.where(visible_to(person_id))
    if room_id is not None:
        query = query.where(col(Meeting.room_id) == room_id)
    return [MeetingListRow(**row._mapping) for row in await db.execute(query)]


async def invited_organisations(db: AsyncSession, meeting_id: int) -> list[tuple[int, str]]:
    rows = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .join(MeetingOrganisation, col(MeetingOrganisation.organisation_id) == col(Organisation.id))
        .where(col(MeetingOrganisation.meeting_id) == meeting_id)
        .order_by(col(Organisation.sort_key))
    )
    return [(row.id, row.name) for row in rows]


async def invitees(db: AsyncSession, meeting_id: int) -> list[InviteeRow]:
    """Everyone who acts for an invited organisation, with their answer; one query. A person
    in two invited organisations appears once, for the organisation they answered for (or the
    first in Swedish order)."""
    answer = sa.and_(
        col(MeetingPerson.meeting_id) == meeting_id,
        col(MeetingPerson.person_id) == col(Person.id),
    )
    rows: Any = await db.execute(
        sa.select(
            col(Person.id).label("person_id"),
            col(Person.name),
            col(Person.email),
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name).label("organisation_name"),
            col(MeetingPerson.rsvp),
            col(MeetingPerson.attended),
            col(MeetingPerson.organisation_id).label("answered_for"),
        )
        .select_from(MeetingOrganisation)
        .join(Organisation, col(Organisation.id) == col(MeetingOrganisation.organisation_id))
        .join(Membership, col(Membership.organisation_id) == col(Organisation.id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .outerjoin(MeetingPerson, answer)
        .where(
            col(MeetingOrganisation.meeting_id) == meeting_id,
            acting_for(),
            col(Person.is_active).is_(True),
        )
        .order_by(col(Organisation.sort_key), col(Person.name), col(Person.id))
    )
    seen: dict[int, InviteeRow] = {}
    for row in rows:
        invitee = InviteeRow(
            person_id=row.person_id,
            name=row.name,
            email=row.email,
            organisation_id=row.organisation_id,
            organisation_name=row.organisation_name,
            rsvp=row.rsvp,
            attended=row.attended,
        )
        if row.person_id not in seen or row.answered_for == row.organisation_id:
            seen[row.person_id] = invitee
    return sorted(seen.values(), key=lambda i: list(seen).index(i.person_id))


async def decisions(db: AsyncSession, meeting_id: int) -> list[DecisionRow]:
    rows = await db.execute(
        sa.select(
            col(MeetingDecision.id), col(MeetingDecision.text), col(MeetingDecision.created_at)
        )
        .where(col(MeetingDecision.meeting_id) == meeting_id)
        .order_by(col(MeetingDecision.id))
    )
    return [DecisionRow(**row._mapping) for row in rows]


async def my_answer(db: AsyncSession, meeting_id: int, person_id: int) -> Rsvp | None:
    value = await db.scalar(
        sa.select(col(MeetingPerson.rsvp)).where(
            col(MeetingPerson.meeting_id) == meeting_id, col(MeetingPerson.person_id) == person_id
        )
    )
    return Rsvp(value) if value else None


async def decision(db: AsyncSession, meeting_id: int, decision_id: int) -> DecisionRow | None:
    row = (
        await db.execute(
            sa.select(
                col(MeetingDecision.id), col(MeetingDecision.text), col(MeetingDecision.created_at)
            ).where(
                col(MeetingDecision.id) == decision_id,
                col(MeetingDecision.meeting_id) == meeting_id,
            )
        )
    ).one_or_none()
    return DecisionRow(**row._mapping) if row else None


# --- the calendar feed -------------------------------------------------------------------


async def feed_owner(db: AsyncSession, token_hash: str) -> int | None:
    """The person behind a calendar feed token that is neither revoked nor of a deactivated
    person."""
    return await db.scalar(
        sa.select(col(CalendarFeed.person_id))
        .join(Person, col(Person.id) == col(CalendarFeed.person_id))
        .where(
            col(CalendarFeed.token_hash) == token_hash,
            col(CalendarFeed.revoked_at).is_(None),
            col(Person.is_active).is_(True),
        )
    )


async def feed_meeting_ids(db: AsyncSession, person_id: int, ended_after: datetime) -> list[int]:
    """The meetings the person is invited to (through an organisation) or organises."""
    return list(
        await db.scalars(
            sa.select(col(Meeting.id)).where(
                sa.or_(
                    col(Meeting.id).in_(my_invited_meeting_ids(person_id)),
                    col(Meeting.organiser_id) == person_id,
                ),
                col(Meeting.ends_at) >= ended_after,
            )
        )
    )


@dataclass(frozen=True, slots=True)
class DueActionRow:
    id: int
    title: str
    due_on: date
    organisation_name: str


async def open_actions_of_my_organisations(
    db: AsyncSession, person_id: int, *, limit: int = 500
) -> list[DueActionRow]:
    rows: Any = await db.execute(
        sa.select(
            col(Action.id),
            col(Action.title),
            col(Action.due_on),
            col(Organisation.name).label("organisation_name"),
        )
        .join(Organisation, col(Organisation.id) == col(Action.organisation_id))
        .where(
            col(Action.organisation_id).in_(organisation_ids_of(person_id)),
            col(Action.status) != ActionStatus.DONE,
        )
        .order_by(col(Action.due_on))
        .limit(limit)
    )
    return [DueActionRow(**row._mapping) for row in rows]


@dataclass(frozen=True, slots=True)
class PhaseDeadlineRow:
    id: int
    title: str
    deadline: date
    room_id: int
    room_name: str


async def phase_deadlines_of_my_rooms(
    db: AsyncSession, person_id: int, *, limit: int = 500
) -> list[PhaseDeadlineRow]:
    """Deadlines of phases in open rooms the person's organisations take part in."""
    rows: Any = await db.execute(
        sa.select(
            col(RoomPhase.id),
            col(RoomPhase.title),
            col(RoomPhase.deadline),
            col(Room.id).label("room_id"),
            col(Room.name).label("room_name"),
        )
        .join(Room, col(Room.id) == col(RoomPhase.room_id))
        .where(
            col(RoomPhase.deadline).is_not(None),
            col(Room.is_closed).is_(False),
            col(Room.id).in_(
                sa.select(col(Participation.room_id)).where(
                    col(Participation.organisation_id).in_(organisation_ids_of(person_id)),
                    col(Participation.status) == ParticipationStatus.ACCEPTED,
                )
            ),
        )
        .order_by(col(RoomPhase.deadline))
        .limit(limit)
    )
    return [PhaseDeadlineRow(**row._mapping) for row in rows]
