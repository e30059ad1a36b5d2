"""Reminders run from the background jobs on a frozen clock, delivered over real SMTP, and
each one is sent once, however many rounds run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.actions.models import Action, ActionStatus
from partner_portal.actions.service import ActionInput
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings import reminders
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.minutes import save_minutes
from partner_portal.meetings.models import Meeting, Rsvp
from partner_portal.platform.settings import Settings, replace
from tests.helpers import Persona, as_current
from tests.meetings.conftest import World
from tests.meetings.factories import (
    END,
    START,
    answer,
    decide,
    full_date,
    long_date,
    meeting_day,
    schedule,
    stockholm,
    update,
)
from tests.smtp import SmtpServer, running_smtp


@pytest.fixture
def day() -> date:
    """The factories' meeting day (a fortnight after the test's day), 09:00–11:00 in Stockholm."""
    return meeting_day()


@pytest.fixture
def starts(day: date) -> datetime:
    return stockholm(day, START)


@pytest.fixture
def ends(day: date) -> datetime:
    return stockholm(day, END)


def start_of(day: date) -> datetime:
    """The first moment of ``day`` in Stockholm."""
    return stockholm(day, time(0, 0))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)


async def clear_outbox(db: AsyncSession) -> None:
    """The invitations are tested elsewhere: only what the reminders write counts here."""
    await db.execute(sa.delete(OutboxMessage))
    await db.commit()


async def round_at(app: Starlette, settings: Settings, now: datetime) -> tuple[int, int, int, int]:
    """One housekeeping round of reminders at ``now``, then the outbox delivered."""
    async with app.state.portal.sessions() as db:
        sent = await reminders.send_due(
            db, settings=settings, env=app.state.portal.templates.env, now=now
        )
    delivered = await sender.deliver_due(app.state.portal.sessions, settings, now=now)
    return sent.meetings, sent.minutes, sent.actions, delivered


async def test_the_meeting_reminder_goes_out_once_24_hours_before(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
    day: date,
    starts: datetime,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)
    await answer(db, world.dave, meeting_id, Rsvp.NO)  # said no: not reminded
    await clear_outbox(db)

    assert await round_at(app, mail_settings, starts - timedelta(hours=25)) == (0, 0, 0, 0)
    assert await round_at(app, mail_settings, starts - timedelta(hours=24)) == (1, 0, 0, 1)
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (bob.email,)
    assert mail.subject == f"Påminnelse: Samverkansmöte nödvatten, {full_date(day)} 09:00–11:00"
    assert f"/moten/{meeting_id}" in mail.text
    # Later rounds, and a round after the start, send nothing more.
    assert await round_at(app, mail_settings, starts - timedelta(hours=2)) == (0, 0, 0, 0)
    assert await round_at(app, mail_settings, starts + timedelta(minutes=5)) == (0, 0, 0, 0)
    assert len(smtp.received) == 1
    await db.rollback()
    meeting = await db.get(Meeting, meeting_id)
    assert meeting is not None
    assert meeting.reminder_sent_at == starts - timedelta(hours=24)


async def test_the_reminder_time_is_configurable(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    mail_settings: Settings,
    starts: datetime,
) -> None:
    await schedule(db, app, alice, world.byggen)
    await clear_outbox(db)
    two_hours = replace(mail_settings, meeting_reminder_hours=2)

    assert await round_at(app, two_hours, starts - timedelta(hours=3)) == (0, 0, 0, 0)
    assert await round_at(app, two_hours, starts - timedelta(hours=2)) == (1, 0, 0, 1)


async def test_moving_the_meeting_makes_its_reminder_due_again(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    mail_settings: Settings,
    day: date,
    starts: datetime,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await clear_outbox(db)
    assert (await round_at(app, mail_settings, starts - timedelta(hours=1)))[0] == 1

    await update(db, app, alice, meeting_id, world.byggen, day=day + timedelta(days=7))
    await clear_outbox(db)

    week_later = stockholm(day + timedelta(days=7), START)
    assert (await round_at(app, mail_settings, week_later - timedelta(hours=25)))[0] == 0
    assert (await round_at(app, mail_settings, week_later - timedelta(hours=23)))[0] == 1


async def test_the_organiser_is_reminded_once_when_the_minutes_are_late(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
    ends: datetime,
) -> None:
    await schedule(db, app, alice, world.byggen)
    await clear_outbox(db)
    after = ends + timedelta(days=3)

    assert await round_at(app, mail_settings, after - timedelta(minutes=1)) == (0, 0, 0, 0)
    assert await round_at(app, mail_settings, after) == (0, 1, 0, 1)
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (alice.email,)
    assert mail.subject == "Protokoll saknas: Samverkansmöte nödvatten"
    assert "mer än 3 dagar" in mail.text
    assert await round_at(app, mail_settings, after + timedelta(days=1)) == (0, 0, 0, 0)
    assert len(smtp.received) == 1


async def test_filed_minutes_stop_the_reminder(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    mail_settings: Settings,
    ends: datetime,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await clear_outbox(db)
    actor = as_current(alice, coordinator=True)
    await save_minutes(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        minutes="Protokoll.",
        now=ends,
    )

    assert await round_at(app, mail_settings, ends + timedelta(days=10)) == (0, 0, 0, 0)


async def test_an_overdue_action_is_reminded_once_to_its_person(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
    day: date,
) -> None:
    due = day + timedelta(days=12)  # the minutes are late by then too
    meeting_id = await schedule(db, app, alice, world.byggen)
    await decide(
        db,
        alice,
        meeting_id,
        "Byggen inventerar sina tankar.",
        ActionInput("Inventera tankar", "", world.byggen, bob.id, due),
    )
    await clear_outbox(db)
    # Overdue from the first moment of the day after, in Stockholm (not in UTC).
    midnight = start_of(due + timedelta(days=1))

    assert await round_at(app, mail_settings, midnight - timedelta(minutes=1)) == (0, 1, 0, 1)
    assert await round_at(app, mail_settings, midnight) == (0, 0, 1, 1)
    mails = await smtp.wait_for(2)
    overdue = [m for m in mails if m.subject.startswith("Försenad åtgärd")]
    assert [m.recipients for m in overdue] == [(bob.email,)]
    assert overdue[0].subject == "Försenad åtgärd: Inventera tankar"
    assert long_date(due) in overdue[0].text
    assert await round_at(app, mail_settings, midnight + timedelta(days=2)) == (0, 0, 0, 0)


async def test_a_done_action_is_not_reminded_and_one_without_a_person_goes_to_main_contacts(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
    day: date,
) -> None:
    due = day + timedelta(days=1)
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)
    await decide(
        db,
        alice,
        meeting_id,
        "Två saker.",
        ActionInput("Klar redan", "", world.byggen, None, due),
    )
    await decide(
        db,
        alice,
        meeting_id,
        "Upplev ser över sin lista.",
        ActionInput("Se över listan", "", world.upplev, None, due),
    )
    await db.execute(
        sa.update(Action).where(col(Action.title) == "Klar redan").values(status=ActionStatus.DONE)
    )
    await db.commit()
    await clear_outbox(db)

    the_day_after_due = stockholm(due + timedelta(days=1), time(10, 0))
    assert (await round_at(app, mail_settings, the_day_after_due))[2] == 1
    mails = [m for m in await smtp.wait_for(1) if m.subject.startswith("Försenad")]
    assert [m.recipients for m in mails] == [(world.dave.email,)]
