"""Reads of call-outs: the group's list, one call-out, its recipients with their answers, and a
volunteer's own call-out history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.frg.models import (
    Answer,
    Callout,
    CalloutStatus,
    FrgSkill,
    Recipient,
    Volunteer,
)
from partner_portal.organisations.models import Organisation
from partner_portal.platform.text import swedish_sort_key


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
