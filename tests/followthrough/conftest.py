from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.followthrough import service
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform.settings import Settings, replace
from partner_portal.rooms.models import RoomPhase
from tests.helpers import Persona, make_person
from tests.meetings.factories import stockholm
from tests.organisations.factories import add_member, make_organisation
from tests.smtp import SmtpServer, running_smtp


@dataclass
class World:
    """AB Botkyrkabyggen: Bob its main contact, Dave its deputy, Erin a member. Upplev
    Botkyrka AB: Frank its main contact. Alice coordinates."""

    byggen: int
    upplev: int
    dave: Persona
    erin: Persona
    frank: Persona


@pytest.fixture
async def world(db: AsyncSession, alice: Persona, bob: Persona) -> World:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    dave = await make_person(db, "Dave Dahl")
    erin = await make_person(db, "Erin Ek")
    frank = await make_person(db, "Frank Fors")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, byggen, MembershipRole.MEMBER, deputy=True)
    await add_member(db, erin, byggen, MembershipRole.MEMBER)
    await add_member(db, frank, upplev, MembershipRole.ADMIN)
    return World(byggen, upplev, dave, erin, frank)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """The moment a Stockholm clock shows ``hour:minute`` on ``day`` (UTC)."""
    return stockholm(day, time(hour, minute))


async def clear_outbox(db: AsyncSession) -> None:
    """The invitations are tested elsewhere: only what the reminders write counts here."""
    await db.execute(sa.delete(OutboxMessage))
    await db.commit()


async def set_deadlines(db: AsyncSession, room_id: int, deadlines: dict[int, date]) -> None:
    """The room's phase deadlines: those at the positions given, none for the others."""
    phases = list(await db.scalars(sa.select(RoomPhase).where(col(RoomPhase.room_id) == room_id)))
    for phase in phases:
        phase.deadline = deadlines.get(phase.position)
    await db.commit()


async def round_at(app: Starlette, settings: Settings, now: datetime) -> tuple[int, int]:
    """One round of the deadline reminders at ``now``, then the outbox delivered: (reminders
    written, mails delivered)."""
    async with app.state.portal.sessions() as db:
        sent = await service.send_due(
            db, settings=settings, env=app.state.portal.templates.env, now=now
        )
    delivered = await sender.deliver_due(app.state.portal.sessions, settings, now=now)
    return sent, delivered
