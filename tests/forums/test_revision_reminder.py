"""The agreement revision reminder: run from the background job on a frozen clock, delivered
over real SMTP, sent once per revision date however many rounds run."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.forums import service
from partner_portal.forums.jobs import REVISION_REMINDERS
from partner_portal.forums.models import Agreement, AgreementVersion
from partner_portal.forums.reminders import REMINDER_DAYS
from partner_portal.jobs import SCHEDULE
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform.schedule import JobContext
from partner_portal.platform.settings import Settings, replace
from partner_portal.rooms.access import room_for
from tests.forums.factories import forum_with_three_parties
from tests.helpers import Persona, as_current
from tests.meetings.factories import long_date, start_day, stockholm
from tests.smtp import SmtpServer, running_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)


async def round_at(app: Starlette, settings: Settings, now: datetime) -> tuple[int, int]:
    """The job once at ``now``, as the schedule runs it, then the outbox delivered."""
    async with app.state.portal.sessions() as db:
        done = await REVISION_REMINDERS.run(
            db, JobContext(settings=settings, mail=app.state.portal.templates.env, now=now)
        )
    delivered = await sender.deliver_due(app.state.portal.sessions, settings, now=now)
    return done.count, delivered


async def save(db: AsyncSession, alice: Persona, room_id: int, revision: date) -> None:
    actor = as_current(alice, coordinator=True)
    await service.save_agreement(
        db,
        actor=actor,
        access=await room_for(db, actor, room_id),
        data=service.AgreementInput(
            title="Samverkansöverenskommelse",
            signed_on=None,
            valid_from=None,
            valid_until=None,
            next_revision_on=revision,
            commitments={},
            document_id=None,
        ),
        parties=set(),
    )


def morning(day: date) -> datetime:
    return stockholm(day, time(7, 0))


async def test_the_revision_reminder_goes_once_before_the_date(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    assert REVISION_REMINDERS in SCHEDULE
    forum = await forum_with_three_parties(db, app, alice, charlie)
    revision = start_day() + timedelta(days=REMINDER_DAYS + 10)
    await save(db, alice, forum.room_id, revision)
    await db.execute(sa.delete(OutboxMessage))  # the room invitations are tested elsewhere
    await db.commit()
    first_day = revision - timedelta(days=REMINDER_DAYS)

    assert await round_at(app, mail_settings, morning(first_day - timedelta(days=1))) == (0, 0)
    assert await round_at(app, mail_settings, morning(first_day)) == (1, 4)
    mails = await smtp.wait_for(4)
    assert sorted(r for m in mails for r in m.recipients) == sorted(
        [alice.email, *(p.email for p in forum.contacts)]
    )
    assert {m.subject for m in mails} == {
        "Dags att se över överenskommelsen: Samverkansöverenskommelsen"
    }
    assert long_date(revision) in mails[0].text
    assert f"/forum/{forum.room_id}/overenskommelse" in mails[0].text
    # Later rounds send nothing more, nor does a round on the date itself.
    assert await round_at(app, mail_settings, morning(first_day + timedelta(days=3))) == (0, 0)
    assert await round_at(app, mail_settings, morning(revision)) == (0, 0)
    assert len(smtp.received) == 4
    await db.rollback()
    agreement = (await db.scalars(sa.select(Agreement))).one()
    assert agreement.reminder_sent_for == revision

    # A new revision date makes the reminder due again, once.
    later = revision + timedelta(days=365)
    await save(db, alice, forum.room_id, later)
    later_first = later - timedelta(days=REMINDER_DAYS)
    assert await round_at(app, mail_settings, morning(later_first)) == (1, 4)
    assert await round_at(app, mail_settings, morning(later_first + timedelta(days=1))) == (0, 0)


async def test_two_first_saves_at_once_make_one_record(
    app: Starlette, db: AsyncSession, alice: Persona, charlie: Persona
) -> None:
    forum = await forum_with_three_parties(db, app, alice, charlie)
    revision = start_day() + timedelta(days=90)

    async def first_save() -> None:
        async with app.state.portal.sessions() as session:
            await save(session, alice, forum.room_id, revision)

    await asyncio.gather(first_save(), first_save())

    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1
    assert await db.scalar(sa.select(sa.func.count()).select_from(AgreementVersion)) == 1
