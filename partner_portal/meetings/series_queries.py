"""Reads about meeting series: columns, not entities; one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.meetings.models import (
    Meeting,
    MeetingOrganisation,
    MeetingSeries,
    SeriesOccurrence,
)
from partner_portal.organisations.models import Organisation


@dataclass(frozen=True, slots=True)
class SeriesRow:
    id: int
    uid: str
    sequence: int
    room_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    interval_weeks: int
    count: int
    place: str
    video_url: str
    agenda: str
    organiser_id: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    """An occurrence: the meeting as it is now, and when the rule put it."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    agenda: str
    updated_at: datetime
    cancelled_at: datetime | None
    minutes_filed_at: datetime | None
    recurrence_at: datetime
    changed: bool


async def series(db: AsyncSession, series_id: int) -> SeriesRow | None:
    row = (
        await db.execute(
            sa.select(
                *(col(getattr(MeetingSeries, name)) for name in SeriesRow.__dataclass_fields__)
            ).where(col(MeetingSeries.id) == series_id)
        )
    ).one_or_none()
    return SeriesRow(**row._mapping) if row else None


async def occurrences(db: AsyncSession, series_id: int) -> list[OccurrenceRow]:
    """The series' occurrences in the rule's order; one query."""
    rows = await db.execute(
        sa.select(
            col(Meeting.id),
            col(Meeting.title),
            col(Meeting.starts_at),
            col(Meeting.ends_at),
            col(Meeting.place),
            col(Meeting.video_url),
            col(Meeting.agenda),
            col(Meeting.updated_at),
            col(Meeting.cancelled_at),
            col(Meeting.minutes_filed_at),
            col(SeriesOccurrence.recurrence_at),
            col(SeriesOccurrence.changed),
        )
        .join(SeriesOccurrence, col(SeriesOccurrence.meeting_id) == col(Meeting.id))
        .where(col(SeriesOccurrence.series_id) == series_id)
        .order_by(col(SeriesOccurrence.recurrence_at))
    )
    return [OccurrenceRow(**row._mapping) for row in rows]


async def series_invited(db: AsyncSession, series_id: int) -> list[tuple[int, str]]:
    """The organisations invited to the series (those of its first occurrence)."""
    first = (
        sa.select(sa.func.min(col(SeriesOccurrence.meeting_id)))
        .where(col(SeriesOccurrence.series_id) == series_id)
        .scalar_subquery()
    )
    rows = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .join(MeetingOrganisation, col(MeetingOrganisation.organisation_id) == col(Organisation.id))
        .where(col(MeetingOrganisation.meeting_id) == first)
        .order_by(col(Organisation.sort_key))
    )
    return [(row.id, row.name) for row in rows]
