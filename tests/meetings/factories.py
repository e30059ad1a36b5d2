"""Meetings for tests, made through the services people use, on days counted from the day the
test's clock started (never a typed date, so the suite means the same on any run day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.actions.service import ActionInput
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings import minutes, scheduling
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.models import Rsvp
from partner_portal.meetings.scheduling import MeetingInput
from partner_portal.platform import clock
from tests.helpers import Persona, as_current

# A meeting is planned this many days ahead: every reminder round the tests run before it
# (24 hours before, and more) still lies after the moment the test's clock starts.
DAYS_AHEAD = 14
START, END = time(9, 0), time(11, 0)

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def start_day() -> date:
    """The Swedish date the test's clock started on. Unlike ``clock.today()`` it stays the same
    if the test runs on past midnight, so a date the test computes twice agrees with itself."""
    started = clock.started_at()
    return clock.swedish_date(started) if started is not None else clock.today()


def days_ahead(days: int) -> date:
    return start_day() + timedelta(days=days)


def meeting_day() -> date:
    """The day the factories' meetings are held, unless a test names another."""
    return days_ahead(DAYS_AHEAD)


def stockholm(day: date, at: time) -> datetime:
    """The moment (UTC) a Stockholm wall-clock time occurs, as the zone database has it."""
    return datetime.combine(day, at, tzinfo=clock.TIMEZONE).astimezone(UTC)


def long_date(day: date) -> str:
    """How the portal writes a date in Swedish: "3 december 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def full_date(day: date) -> str:
    """A date with its weekday, in Swedish: "torsdag 3 december 2026"."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


class MeetingFields(TypedDict, total=False):
    """What a test may set on a meeting (the rest are the factory's defaults)."""

    title: str
    day: date | None
    start: time
    end: time
    room_id: int | None
    place: str
    video_url: str
    agenda: str


def meeting_input(
    *organisation_ids: int,
    title: str = "Samverkansmöte nödvatten",
    day: date | None = None,
    start: time = START,
    end: time = END,
    room_id: int | None = None,
    place: str = "Kommunhuset, Tumba",
    video_url: str = "",
    agenda: str = "1. Läget\n2. Övrigt",
) -> MeetingInput:
    day = day or meeting_day()
    starts_at, ends_at = clock.wall_time(day, start), clock.wall_time(day, end)
    assert starts_at is not None
    assert ends_at is not None
    return MeetingInput(
        title=title,
        room_id=room_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_url=video_url,
        agenda=agenda,
        organisation_ids=organisation_ids,
    )


async def schedule(
    db: AsyncSession,
    app: Starlette,
    coordinator: Persona,
    *organisation_ids: int,
    **fields: Unpack[MeetingFields],
) -> int:
    portal = app.state.portal
    return await scheduling.create_meeting(
        db,
        actor=as_current(coordinator, coordinator=True),
        data=meeting_input(*organisation_ids, **fields),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def update(
    db: AsyncSession,
    app: Starlette,
    coordinator: Persona,
    meeting_id: int,
    *organisation_ids: int,
    **fields: Unpack[MeetingFields],
) -> None:
    portal = app.state.portal
    actor = as_current(coordinator, coordinator=True)
    await scheduling.update_meeting(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        data=meeting_input(*organisation_ids, **fields),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def cancel(db: AsyncSession, app: Starlette, coordinator: Persona, meeting_id: int) -> None:
    portal = app.state.portal
    actor = as_current(coordinator, coordinator=True)
    await scheduling.cancel_meeting(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def answer(db: AsyncSession, persona: Persona, meeting_id: int, rsvp: Rsvp) -> None:
    actor = as_current(persona)
    await scheduling.answer(
        db, actor=actor, access=await meeting_for(db, actor, meeting_id), rsvp=rsvp, now=None
    )


async def decide(
    db: AsyncSession,
    coordinator: Persona,
    meeting_id: int,
    text: str,
    action: ActionInput | None = None,
) -> int:
    actor = as_current(coordinator, coordinator=True)
    return await minutes.add_decision(
        db, actor=actor, access=await meeting_for(db, actor, meeting_id), text=text, action=action
    )


async def outbox(db: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    await db.rollback()
    return list(
        await db.scalars(
            sa.select(OutboxMessage)
            .where(
                col(OutboxMessage.related_type) == "meeting",
                col(OutboxMessage.related_id) == meeting_id,
            )
            .order_by(col(OutboxMessage.id))
        )
    )
