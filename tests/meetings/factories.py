"""Meetings for tests, made through the services people use."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.actions.forms import ActionInput
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings import service
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.forms import MeetingInput, local_moment
from partner_portal.meetings.models import Rsvp
from tests.helpers import Persona, as_current


def meeting_input(
    *organisation_ids: int,
    title: str = "Samverkansmöte nödvatten",
    day: date = date(2026, 12, 3),
    start: time = time(9, 0),
    end: time = time(11, 0),
    room_id: int | None = None,
    place: str = "Kommunhuset, Tumba",
    video_url: str = "",
    agenda: str = "1. Läget\n2. Övrigt",
) -> MeetingInput:
    starts_at, ends_at = local_moment(day, start), local_moment(day, end)
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
    db: AsyncSession, app: Starlette, coordinator: Persona, *organisation_ids: int, **kw: object
) -> int:
    portal = app.state.portal
    return await service.create_meeting(
        db,
        actor=as_current(coordinator, coordinator=True),
        data=meeting_input(*organisation_ids, **kw),  # type: ignore[arg-type]
        settings=portal.settings,
        env=portal.templates.env,
    )


async def update(
    db: AsyncSession,
    app: Starlette,
    coordinator: Persona,
    meeting_id: int,
    *organisation_ids: int,
    **kw: object,
) -> None:
    portal = app.state.portal
    actor = as_current(coordinator, coordinator=True)
    await service.update_meeting(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        data=meeting_input(*organisation_ids, **kw),  # type: ignore[arg-type]
        settings=portal.settings,
        env=portal.templates.env,
    )


async def cancel(db: AsyncSession, app: Starlette, coordinator: Persona, meeting_id: int) -> None:
    portal = app.state.portal
    actor = as_current(coordinator, coordinator=True)
    await service.cancel_meeting(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def answer(db: AsyncSession, persona: Persona, meeting_id: int, rsvp: Rsvp) -> None:
    actor = as_current(persona)
    await service.answer(
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
    return await service.add_decision(
        db, actor=actor, access=await meeting_for(db, actor, meeting_id), text=text, action=action
    )


async def outbox(db: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    await db.rollback()
    return list(
        await db.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.related_type == "meeting", OutboxMessage.related_id == meeting_id)
            .order_by(OutboxMessage.id)
        )
    )
