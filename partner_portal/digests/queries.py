"""Reads for a round of digests: who is due, what each reaches, and what changed — a constant
number of statements for a whole batch of people (no statement per person).

Each read covers the batch at once (its people, the organisations they act for, the rooms those
take part in) from the earliest point any of them needs; service.py then picks, per person, what
is theirs and newer than their own last digest.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import Action, ActionStatus
from partner_portal.auth.models import Person
from partner_portal.consultations.models import Consultation, ConsultationRecipient, Statement
from partner_portal.digests.models import DigestSent
from partner_portal.evidence.models import Process
from partner_portal.mail.preference_models import DigestFrequency, MailPreference
from partner_portal.meetings.models import Meeting, MeetingOrganisation
from partner_portal.organisations.acting import acting_for, membership_organisation
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.plans.models import Plan, PlanComment, PlanSection, PlanVersion
from partner_portal.platform import i18n
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    ProgressStatus,
    Room,
    RoomItem,
)
from partner_portal.rooms.queries import VISIBLE

T = TypeVar("T")


def _made(cls: type[T], rows: Iterable[Any]) -> list[T]:
    """Each row's columns, in order, as the fields of ``cls``."""
    return [cls(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Reader:
    id: int
    name: str
    email: str
    frequency: DigestFrequency
    last_covered: datetime | None  # where the previous digest ended, if there was one
    language: str = "sv"  # the language the person reads (their digest's)


async def due_readers(
    db: AsyncSession,
    *,
    period: date,
    frequencies: Collection[DigestFrequency],
    after_id: int,
    limit: int,
) -> list[Reader]:
    """Active people with an address, who act for an organisation, whose frequency is due and
    who have no digest marker for ``period`` yet; ordered by id, from ``after_id`` on."""
    last = (
        sa.select(
            col(DigestSent.person_id).label("person_id"),
            sa.func.max(col(DigestSent.covered_until)).label("covered"),
        )
        .group_by(col(DigestSent.person_id))
        .subquery()
    )
    wanted = [f.value for f in frequencies]
    frequency_due: sa.ColumnElement[bool] = col(MailPreference.digest_frequency).in_(wanted)
    if DigestFrequency.WEEKLY in frequencies:
        frequency_due = sa.or_(frequency_due, col(MailPreference.person_id).is_(None))
    acts = (
        sa.select(col(Membership.id))
        .join(Organisation, membership_organisation())
        .where(col(Membership.person_id) == col(Person.id), acting_for())
        .exists()
    )
    done = (
        sa.select(col(DigestSent.id))
        .where(col(DigestSent.person_id) == col(Person.id), col(DigestSent.period) == period)
        .exists()
    )
    rows = await db.execute(
        sa.select(
            col(Person.id),
            col(Person.name),
            col(Person.email),
            col(MailPreference.digest_frequency),
            last.c.covered,
            col(Person.language),
        )
        .outerjoin(MailPreference, col(MailPreference.person_id) == col(Person.id))
        .outerjoin(last, last.c.person_id == col(Person.id))
        .where(
            col(Person.id) > after_id,
            col(Person.is_active).is_(True),
            col(Person.email).is_not(None),
            frequency_due,
            acts,
            ~done,
        )
        .order_by(col(Person.id))
        .limit(limit)
    )
    return [
        Reader(
            id=r.id,
            name=r.name,
            email=r.email,
            frequency=r.digest_frequency or DigestFrequency.WEEKLY,
            last_covered=r.covered,
            language=i18n.supported(r.language),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Reach:
    """One organisation a person acts for, and one room it is in (or none)."""

    person_id: int
    organisation_id: int
    room_id: int | None
    room_name: str | None
    process: Process | None


async def reach(db: AsyncSession, person_ids: Sequence[int]) -> list[Reach]:
    """What each of ``person_ids`` acts for, and the rooms those organisations may see
    (invited or taking part: the same rule as rooms.visibility)."""
    rows: Iterable[Any] = await db.execute(
        sa.select(
            col(Membership.person_id),
            col(Membership.organisation_id),
            col(Room.id).label("room_id"),
            col(Room.name).label("room_name"),
            col(Room.process),
        )
        .join(Organisation, membership_organisation())
        .outerjoin(
            Participation,
            sa.and_(
                col(Participation.organisation_id) == col(Membership.organisation_id),
                col(Participation.status).in_(VISIBLE),
            ),
        )
        .outerjoin(Room, col(Room.id) == col(Participation.room_id))
        .where(col(Membership.person_id).in_(list(person_ids)), acting_for())
    )
    return _made(Reach, rows)


@dataclass(frozen=True, slots=True)
class NewVersion:
    room_id: int
    plan_id: int
    plan_title: str
    number: int
    note: str
    published_at: datetime


async def new_versions(
    db: AsyncSession, room_ids: Sequence[int], since: datetime
) -> list[NewVersion]:
    rows = await db.execute(
        sa.select(
            col(Plan.room_id),
            col(Plan.id),
            col(Plan.title),
            col(PlanVersion.number),
            col(PlanVersion.note),
            col(PlanVersion.published_at),
        )
        .join(Plan, col(Plan.id) == col(PlanVersion.plan_id))
        .where(col(Plan.room_id).in_(list(room_ids)), col(PlanVersion.published_at) > since)
        .order_by(col(PlanVersion.published_at), col(PlanVersion.id))
    )
    return _made(NewVersion, rows)


@dataclass(frozen=True, slots=True)
class Reply:
    room_id: int
    plan_id: int
    plan_title: str
    section_key: str
    section_heading: str
    thread_id: int
    author_id: int
    author_name: str
    created_at: datetime


async def new_replies(db: AsyncSession, room_ids: Sequence[int], since: datetime) -> list[Reply]:
    """Replies (comments with a parent) written after ``since`` in these rooms' plans."""
    rows = await db.execute(
        sa.select(
            col(Plan.room_id),
            col(Plan.id),
            col(Plan.title),
            col(PlanSection.key),
            col(PlanSection.heading),
            col(PlanComment.parent_id),
            col(PlanComment.author_id),
            col(Person.name),
            col(PlanComment.created_at),
        )
        .join(Plan, col(Plan.id) == col(PlanComment.plan_id))
        .join(PlanSection, col(PlanSection.id) == col(PlanComment.section_id))
        .join(Person, col(Person.id) == col(PlanComment.author_id))
        .where(
            col(PlanComment.parent_id).is_not(None),
            col(PlanComment.created_at) > since,
            col(Plan.room_id).in_(list(room_ids)),
        )
        .order_by(col(PlanComment.created_at), col(PlanComment.id))
    )
    return _made(Reply, rows)


async def thread_participants(
    db: AsyncSession, thread_ids: Collection[int], person_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """(thread, person) for each of ``person_ids`` who wrote the thread's first comment or a
    reply in it."""
    if not thread_ids:
        return set()
    thread = sa.func.coalesce(col(PlanComment.parent_id), col(PlanComment.id))
    rows = await db.execute(
        sa.select(thread, col(PlanComment.author_id))
        .where(
            sa.or_(
                col(PlanComment.id).in_(list(thread_ids)),
                col(PlanComment.parent_id).in_(list(thread_ids)),
            ),
            col(PlanComment.author_id).in_(list(person_ids)),
        )
        .distinct()
    )
    return {(t, a) for t, a in rows}


@dataclass(frozen=True, slots=True)
class AskedRemiss:
    room_id: int
    consultation_id: int
    organisation_id: int
    plan_title: str
    deadline: date
    opened_at: datetime
    answered: bool


async def remisser(
    db: AsyncSession,
    organisation_ids: Sequence[int],
    since: datetime,
    *,
    closing_from: date,
    closing_until: date,
) -> list[AskedRemiss]:
    """Remisser these organisations were asked for: opened after ``since``, or with a last
    day from ``closing_from`` to ``closing_until`` — with whether each has answered."""
    answered = (
        sa.select(col(Statement.id))
        .where(
            col(Statement.consultation_id) == col(Consultation.id),
            col(Statement.organisation_id) == col(ConsultationRecipient.organisation_id),
        )
        .exists()
    )
    rows = await db.execute(
        sa.select(
            col(Consultation.room_id),
            col(Consultation.id),
            col(ConsultationRecipient.organisation_id),
            col(Plan.title),
            col(Consultation.deadline),
            col(Consultation.opened_at),
            answered,
        )
        .join(
            ConsultationRecipient,
            col(ConsultationRecipient.consultation_id) == col(Consultation.id),
        )
        .join(Plan, col(Plan.id) == col(Consultation.plan_id))
        .where(
            col(ConsultationRecipient.organisation_id).in_(list(organisation_ids)),
            sa.or_(
                col(Consultation.opened_at) > since,
                col(Consultation.deadline).between(closing_from, closing_until),
            ),
        )
        .order_by(col(Consultation.deadline), col(Consultation.id))
    )
    return _made(AskedRemiss, rows)


@dataclass(frozen=True, slots=True)
class MeetingAhead:
    meeting_id: int
    organisation_id: int
    room_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime


async def meetings_ahead(
    db: AsyncSession, organisation_ids: Sequence[int], after: datetime, until: datetime
) -> list[MeetingAhead]:
    """Meetings these organisations are invited to, starting after ``after`` and by ``until``."""
    rows = await db.execute(
        sa.select(
            col(Meeting.id),
            col(MeetingOrganisation.organisation_id),
            col(Meeting.room_id),
            col(Meeting.title),
            col(Meeting.starts_at),
            col(Meeting.ends_at),
        )
        .join(MeetingOrganisation, col(MeetingOrganisation.meeting_id) == col(Meeting.id))
        .where(
            col(MeetingOrganisation.organisation_id).in_(list(organisation_ids)),
            col(Meeting.cancelled_at).is_(None),
            col(Meeting.starts_at) > after,
            col(Meeting.starts_at) <= until,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    return _made(MeetingAhead, rows)


@dataclass(frozen=True, slots=True)
class ActionDue:
    action_id: int
    organisation_id: int
    person_id: int | None
    room_id: int | None
    title: str
    due_on: date


async def actions_due(
    db: AsyncSession, organisation_ids: Sequence[int], first: date, last: date
) -> list[ActionDue]:
    """Actions of these organisations not done, due from ``first`` to ``last``."""
    rows = await db.execute(
        sa.select(
            col(Action.id),
            col(Action.organisation_id),
            col(Action.person_id),
            col(Action.room_id),
            col(Action.title),
            col(Action.due_on),
        )
        .where(
            col(Action.organisation_id).in_(list(organisation_ids)),
            col(Action.status) != ActionStatus.DONE,
            col(Action.due_on).between(first, last),
        )
        .order_by(col(Action.due_on), col(Action.id))
    )
    return _made(ActionDue, rows)


@dataclass(frozen=True, slots=True)
class Returned:
    room_id: int
    organisation_id: int
    organisation_name: str
    item_id: int
    item_title: str
    comment: str
    reviewed_at: datetime


async def returned_items(
    db: AsyncSession, organisation_ids: Sequence[int], since: datetime
) -> list[Returned]:
    """Deliverables of these organisations sent back for correction after ``since``, and
    still returned."""
    rows = await db.execute(
        sa.select(
            col(ItemProgress.room_id),
            col(ItemProgress.organisation_id),
            col(Organisation.name),
            col(ItemProgress.item_id),
            col(RoomItem.title),
            col(ItemProgress.review_comment),
            col(ItemProgress.reviewed_at),
        )
        .join(RoomItem, col(RoomItem.id) == col(ItemProgress.item_id))
        .join(Organisation, col(Organisation.id) == col(ItemProgress.organisation_id))
        .where(
            col(ItemProgress.organisation_id).in_(list(organisation_ids)),
            col(ItemProgress.status) == ProgressStatus.RETURNED,
            col(ItemProgress.reviewed_at) > since,
        )
        .order_by(col(ItemProgress.reviewed_at), col(ItemProgress.id))
    )
    return _made(Returned, rows)
