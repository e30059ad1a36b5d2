"""Reads about date polls: columns, not entities; a constant number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.organisations.models import Organisation
from partner_portal.platform import links
from partner_portal.polls.models import (
    DatePoll,
    DatePollAnswer,
    DatePollLink,
    DatePollOption,
    DatePollOrganisation,
    PollAnswer,
)
from partner_portal.rooms.models import Room


@dataclass(frozen=True, slots=True)
class PollRow:
    id: int
    room_id: int | None
    room_name: str | None
    title: str
    place: str
    video_url: str
    agenda: str
    created_by: int
    creator_name: str
    closes_at: datetime
    meeting_id: int | None

    def is_open(self, now: datetime) -> bool:
        """Takes answers: not yet closed, and not yet turned into a meeting."""
        return self.meeting_id is None and now < self.closes_at


@dataclass(frozen=True, slots=True)
class PollListRow:
    id: int
    title: str
    closes_at: datetime
    meeting_id: int | None


@dataclass(frozen=True, slots=True)
class OptionRow:
    id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerRow:
    option_id: int
    person_id: int
    person_name: str
    organisation_id: int
    answer: PollAnswer


async def poll(db: AsyncSession, poll_id: int) -> PollRow | None:
    row: Any = (
        await db.execute(
            sa.select(
                col(DatePoll.id),
                col(DatePoll.room_id),
                col(Room.name).label("room_name"),
                col(DatePoll.title),
                col(DatePoll.place),
                col(DatePoll.video_url),
                col(DatePoll.agenda),
                col(DatePoll.created_by),
                col(Person.name).label("creator_name"),
                col(DatePoll.closes_at),
                col(DatePoll.meeting_id),
            )
            .outerjoin(Room, col(Room.id) == col(DatePoll.room_id))
            .join(Person, col(Person.id) == col(DatePoll.created_by))
            .where(col(DatePoll.id) == poll_id)
        )
    ).one_or_none()
    return PollRow(**row._mapping) if row else None


async def polls_for(
    db: AsyncSession, person_id: int, *, everything: bool, limit: int = 300
) -> list[PollListRow]:
    """The polls a person may see (all, for coordinators), newest first; one query."""
    query: Any = (
        sa.select(
            col(DatePoll.id), col(DatePoll.title), col(DatePoll.closes_at), col(DatePoll.meeting_id)
        )
        .order_by(col(DatePoll.closes_at).desc(), col(DatePoll.id).desc())
        .limit(limit)
    )
    if not everything:
        query = query.where(
            col(DatePoll.id).in_(
                sa.select(col(DatePollOrganisation.poll_id)).where(
                    col(DatePollOrganisation.organisation_id).in_(organisation_ids_of(person_id))
                )
            )
        )
    return [PollListRow(**row._mapping) for row in await db.execute(query)]


async def options(db: AsyncSession, poll_id: int) -> list[OptionRow]:
    rows = await db.execute(
        sa.select(
            col(DatePollOption.id), col(DatePollOption.starts_at), col(DatePollOption.ends_at)
        )
        .where(col(DatePollOption.poll_id) == poll_id)
        .order_by(col(DatePollOption.starts_at), col(DatePollOption.id))
    )
    return [OptionRow(**row._mapping) for row in rows]


async def invited(db: AsyncSession, poll_id: int) -> list[tuple[int, str]]:
    """The organisations asked, in Swedish order."""
    rows = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .join(
            DatePollOrganisation, col(DatePollOrganisation.organisation_id) == col(Organisation.id)
        )
        .where(col(DatePollOrganisation.poll_id) == poll_id)
        .order_by(col(Organisation.sort_key))
    )
    return [(row.id, row.name) for row in rows]


async def my_invited(db: AsyncSession, poll_id: int, person_id: int) -> list[int]:
    """The person's organisations among those asked, in Swedish order."""
    return list(
        await db.scalars(
            sa.select(col(Organisation.id))
            .join(
                DatePollOrganisation,
                col(DatePollOrganisation.organisation_id) == col(Organisation.id),
            )
            .where(
                col(DatePollOrganisation.poll_id) == poll_id,
                col(Organisation.id).in_(organisation_ids_of(person_id)),
            )
            .order_by(col(Organisation.sort_key))
        )
    )


async def answers(db: AsyncSession, poll_id: int) -> list[AnswerRow]:
    rows: Any = await db.execute(
        sa.select(
            col(DatePollAnswer.option_id),
            col(DatePollAnswer.person_id),
            col(Person.name).label("person_name"),
            col(DatePollAnswer.organisation_id),
            col(DatePollAnswer.answer),
        )
        .join(DatePollOption, col(DatePollOption.id) == col(DatePollAnswer.option_id))
        .join(Person, col(Person.id) == col(DatePollAnswer.person_id))
        .where(col(DatePollOption.poll_id) == poll_id)
        .order_by(col(Person.name), col(Person.id))
    )
    return [AnswerRow(**row._mapping) for row in rows]


async def link_owner(db: AsyncSession, token: str) -> tuple[int, int, str] | None:
    """The poll, person and name behind an answer link (of an active person), or None."""
    row = (
        await db.execute(
            sa.select(col(DatePollLink.poll_id), col(DatePollLink.person_id), col(Person.name))
            .join(Person, col(Person.id) == col(DatePollLink.person_id))
            .where(links.matching(col(DatePollLink.token_hash), token))
            .where(col(Person.is_active).is_(True))
        )
    ).one_or_none()
    return (row.poll_id, row.person_id, row.name) if row else None
