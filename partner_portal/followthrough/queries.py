"""Who owes what by when: one statement over the state the follow-up reads.

Four kinds of thing owed, each a SELECT of the same columns, in one ``UNION ALL``, beside the
reminders already sent about each (one aggregate over the sent-markers, joined on): an
accepted room's open items of a phase with a deadline, a remiss statement not yet given, a room
invitation not answered, a coming meeting no one of the organisation has answered. Only active
organisations and open rooms. One statement whatever the number of organisations, rooms,
remisser or meetings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person as PersonRow
from partner_portal.consultations.models import Consultation, ConsultationRecipient, Statement
from partner_portal.evidence.models import Process
from partner_portal.meetings.models import Meeting, MeetingOrganisation, MeetingPerson
from partner_portal.organisations.acting import acting_for, membership_organisation
from partner_portal.organisations.models import Membership, MembershipRole, Organisation
from partner_portal.plans.models import Plan
from partner_portal.platform import i18n
from partner_portal.platform.db import UTCDateTime, enum_column_type
from partner_portal.reminders.models import Owed, ReminderSent, Step
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
)

# An item is handed in (or needs nothing) from the organisation's side in these states.
DONE = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED, ProgressStatus.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class OwedRow:
    owed: Owed
    organisation_id: int
    organisation_name: str
    process: Process | None  # None: a portal-wide meeting
    room_id: int | None
    room_name: str | None
    subject_id: int  # the phase, consultation, room or meeting
    title: str  # the phase's, the plan's, the room's or the meeting's
    open_items: int  # deliverables: how many items are open; otherwise 1
    due_on: date | None  # the phase deadline or the remiss' last day (Swedish calendar)
    due_at: datetime | None  # the meeting's start
    asked_at: datetime  # since when: invited, asked, or (deliverables) the room accepted
    first_reminded_at: datetime | None
    last_reminded_at: datetime | None
    last_manual_at: datetime | None
    steps: frozenset[Step]  # the steps already sent

    @property
    def key(self) -> str:
        """The row's name in a form: ``owed:subject:organisation``."""
        return f"{self.owed.value}:{self.subject_id}:{self.organisation_id}"

    @property
    def escalated(self) -> bool:
        return Step.ESCALATED in self.steps


def _text(value: str) -> Any:
    return sa.cast(sa.literal(value), sa.String(32))


def _no_date() -> Any:
    return sa.cast(sa.null(), sa.Date)


def _no_moment() -> Any:
    return sa.cast(sa.null(), sa.DateTime(timezone=True))


def _deliverables() -> Any:
    open_item = sa.or_(col(ItemProgress.id).is_(None), col(ItemProgress.status).not_in(DONE))
    return (
        sa.select(
            _text(Owed.DELIVERABLES.value).label("owed"),
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name).label("organisation_name"),
            col(Room.process).label("process"),
            col(Room.id).label("room_id"),
            col(Room.name).label("room_name"),
            col(RoomPhase.id).label("subject_id"),
            col(RoomPhase.title).label("title"),
            sa.func.count(col(RoomItem.id)).label("open_items"),
            col(RoomPhase.deadline).label("due_on"),
            _no_moment().label("due_at"),
            sa.func.coalesce(col(Participation.responded_at), col(Participation.invited_at)).label(
                "asked_at"
            ),
        )
        .select_from(Participation)
        .join(Organisation, col(Organisation.id) == col(Participation.organisation_id))
        .join(Room, col(Room.id) == col(Participation.room_id))
        .join(RoomPhase, col(RoomPhase.room_id) == col(Room.id))
        .join(RoomItem, col(RoomItem.phase_id) == col(RoomPhase.id))
        .outerjoin(
            ItemProgress,
            sa.and_(
                col(ItemProgress.item_id) == col(RoomItem.id),
                col(ItemProgress.organisation_id) == col(Organisation.id),
            ),
        )
        .where(
            col(Participation.status) == ParticipationStatus.ACCEPTED,
            col(RoomPhase.deadline).is_not(None),
            open_item,
        )
        .group_by(
            col(Organisation.id),
            col(Organisation.name),
            col(Room.process),
            col(Room.id),
            col(Room.name),
            col(RoomPhase.id),
            col(RoomPhase.title),
            col(RoomPhase.deadline),
            col(Participation.responded_at),
            col(Participation.invited_at),
        )
    )


def _statements() -> Any:
    return (
        sa.select(
            _text(Owed.STATEMENT.value),
            col(Organisation.id),
            col(Organisation.name),
            col(Room.process),
            col(Room.id),
            col(Room.name),
            col(Consultation.id),
            col(Plan.title),
            sa.literal(1),
            col(Consultation.deadline),
            _no_moment(),
            col(Consultation.opened_at),
        )
        .select_from(ConsultationRecipient)
        .join(Consultation, col(Consultation.id) == col(ConsultationRecipient.consultation_id))
        .join(Organisation, col(Organisation.id) == col(ConsultationRecipient.organisation_id))
        .join(Room, col(Room.id) == col(Consultation.room_id))
        .join(Plan, col(Plan.id) == col(Consultation.plan_id))
        .outerjoin(
            Statement,
            sa.and_(
                col(Statement.consultation_id) == col(Consultation.id),
                col(Statement.organisation_id) == col(Organisation.id),
            ),
        )
        .where(col(Statement.id).is_(None))
    )


def _room_answers() -> Any:
    return (
        sa.select(
            _text(Owed.ROOM_ANSWER.value),
            col(Organisation.id),
            col(Organisation.name),
            col(Room.process),
            col(Room.id),
            col(Room.name),
            col(Room.id),
            col(Room.name),
            sa.literal(1),
            _no_date(),
            _no_moment(),
            col(Participation.invited_at),
        )
        .select_from(Participation)
        .join(Organisation, col(Organisation.id) == col(Participation.organisation_id))
        .join(Room, col(Room.id) == col(Participation.room_id))
        .where(col(Participation.status) == ParticipationStatus.INVITED)
    )


def _meeting_answers(now: datetime) -> Any:
    answered = sa.exists().where(
        col(MeetingPerson.meeting_id) == col(Meeting.id),
        col(MeetingPerson.organisation_id) == col(Organisation.id),
        col(MeetingPerson.rsvp).is_not(None),
    )
    return (
        sa.select(
            _text(Owed.MEETING_ANSWER.value),
            col(Organisation.id),
            col(Organisation.name),
            col(Room.process),
            col(Meeting.room_id),
            col(Room.name),
            col(Meeting.id),
            col(Meeting.title),
            sa.literal(1),
            _no_date(),
            col(Meeting.starts_at),
            col(MeetingOrganisation.invited_at),
        )
        .select_from(MeetingOrganisation)
        .join(Meeting, col(Meeting.id) == col(MeetingOrganisation.meeting_id))
        .join(Organisation, col(Organisation.id) == col(MeetingOrganisation.organisation_id))
        .outerjoin(Room, col(Room.id) == col(Meeting.room_id))
        .where(
            col(Meeting.cancelled_at).is_(None),
            col(Meeting.starts_at) > now,
            sa.or_(col(Room.id).is_(None), col(Room.is_closed).is_(False)),
            ~answered,
        )
    )


def _open(query: Any) -> Any:
    """Only active organisations (and, where there is a room, an open one)."""
    return query.where(col(Organisation.is_active).is_(True))


def _sent() -> Any:
    """What has been sent about each thing owed, per organisation: one aggregate."""
    r = ReminderSent
    flags = [
        sa.func.max(sa.case((col(r.step) == step.value, 1), else_=0)).label(f"sent_{step.value}")
        for step in Step
    ]
    return (
        sa.select(
            col(r.organisation_id),
            col(r.owed),
            col(r.subject_id),
            sa.func.min(col(r.sent_at)).label("first_at"),
            sa.func.max(col(r.sent_at)).label("last_at"),
            sa.func.max(sa.case((col(r.step) == Step.MANUAL.value, col(r.sent_at)))).label(
                "manual_at"
            ),
            *flags,
        )
        .group_by(col(r.organisation_id), col(r.owed), col(r.subject_id))
        .subquery("sent")
    )


async def owed(
    db: AsyncSession,
    *,
    now: datetime,
    processes: Collection[Process] | None = None,
    organisation_ids: Collection[int] | None = None,
) -> list[OwedRow]:
    """Everything owed at ``now`` (optionally of some processes or organisations), with what
    was sent about it, in one statement; ordered by when it is due (soonest first)."""
    parts = [
        _deliverables().where(col(Room.is_closed).is_(False)),
        _statements().where(col(Room.is_closed).is_(False)),
        _room_answers().where(col(Room.is_closed).is_(False)),
        _meeting_answers(now),
    ]
    union = sa.union_all(*(_open(p) for p in parts)).subquery("owed")
    sent = _sent()
    query = (
        sa.select(
            union.c.owed,
            union.c.organisation_id,
            union.c.organisation_name,
            sa.type_coerce(union.c.process, enum_column_type(Process)).label("process"),
            union.c.room_id,
            union.c.room_name,
            union.c.subject_id,
            union.c.title,
            union.c.open_items,
            sa.type_coerce(union.c.due_on, sa.Date).label("due_on"),
            sa.type_coerce(union.c.due_at, UTCDateTime).label("due_at"),
            sa.type_coerce(union.c.asked_at, UTCDateTime).label("asked_at"),
            sa.type_coerce(sent.c.first_at, UTCDateTime).label("first_at"),
            sa.type_coerce(sent.c.last_at, UTCDateTime).label("last_at"),
            sa.type_coerce(sent.c.manual_at, UTCDateTime).label("manual_at"),
            *(sent.c[f"sent_{step.value}"] for step in Step),
        )
        .select_from(union)
        .outerjoin(
            sent,
            sa.and_(
                sent.c.organisation_id == union.c.organisation_id,
                sent.c.owed == union.c.owed,
                sent.c.subject_id == union.c.subject_id,
            ),
        )
        .order_by(union.c.organisation_name, union.c.owed, union.c.subject_id)
    )
    if processes is not None:
        query = query.where(union.c.process.in_([p.value for p in processes]))
    if organisation_ids is not None:
        query = query.where(union.c.organisation_id.in_(list(organisation_ids)))
    rows = [_row(row._mapping) for row in await db.execute(query)]
    return sorted(rows, key=_due_order)


def _row(values: Any) -> OwedRow:
    return OwedRow(
        owed=Owed(values["owed"]),
        organisation_id=values["organisation_id"],
        organisation_name=values["organisation_name"],
        process=values["process"],
        room_id=values["room_id"],
        room_name=values["room_name"],
        subject_id=values["subject_id"],
        title=values["title"],
        open_items=int(values["open_items"]),
        due_on=values["due_on"],
        due_at=values["due_at"],
        asked_at=values["asked_at"],
        first_reminded_at=values["first_at"],
        last_reminded_at=values["last_at"],
        last_manual_at=values["manual_at"],
        steps=frozenset(s for s in Step if values[f"sent_{s.value}"]),
    )


def _due_order(row: OwedRow) -> tuple[int, str, str, int]:
    """Soonest due first (a meeting by its day); then what has no due day, oldest asked first."""
    if row.due_on is not None:
        day = row.due_on.toordinal()
    elif row.due_at is not None:
        day = row.due_at.date().toordinal()
    else:
        day = 10**7
    return (day, row.asked_at.isoformat(), row.organisation_name, row.subject_id)


@dataclass(frozen=True, slots=True)
class Person:
    person_id: int
    name: str
    email: str
    organisation_id: int
    main_contact: bool
    language: str  # the language the person reads (their mail's)


async def people(db: AsyncSession, organisation_ids: Collection[int]) -> list[Person]:
    """Everyone with an address acting for the organisations, main contacts first; one query."""
    if not organisation_ids:
        return []
    rows = await db.execute(
        sa.select(
            col(PersonRow.id),
            col(PersonRow.name),
            col(PersonRow.email),
            col(Membership.organisation_id),
            col(Membership.role),
            col(PersonRow.language),
        )
        .join(Membership, col(Membership.person_id) == col(PersonRow.id))
        .join(Organisation, membership_organisation())
        .where(
            col(Membership.organisation_id).in_(list(organisation_ids)),
            acting_for(),
            col(PersonRow.is_active).is_(True),
            col(PersonRow.email).is_not(None),
        )
        .order_by(col(Membership.organisation_id), col(Membership.role), col(PersonRow.id))
    )
    return [
        Person(
            row.id,
            row.name,
            row.email,
            row.organisation_id,
            row.role == MembershipRole.ADMIN,
            i18n.supported(row.language),
        )
        for row in rows
        if row.email
    ]
