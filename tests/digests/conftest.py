"""Two organisations in two different rooms, and what happens in them, at moments counted from
the first Monday after the test's day (never a typed date)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.actions.models import Action, ActionSource
from partner_portal.consultations.models import Consultation, ConsultationRecipient
from partner_portal.digests import service
from partner_portal.evidence.models import Process
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings.models import Meeting, MeetingOrganisation
from partner_portal.organisations.models import MembershipRole
from partner_portal.plans.models import Plan, PlanComment, PlanSection, PlanVersion
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings, replace
from partner_portal.rooms.models import ItemProgress, ProgressStatus
from tests.helpers import Persona, make_person
from tests.meetings.factories import start_day
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, item_of_kind, open_room
from tests.smtp import SmtpServer, running_smtp


def next_monday() -> date:
    day = start_day()
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def at_seven(day: date, minutes: int = 0) -> datetime:
    moment = clock.wall_time(day, time(7, 0))
    assert moment is not None
    return moment + timedelta(minutes=minutes)


@dataclass
class World:
    """Bob acts for Byggen, in room "Nödvatten Byggen"; Dave acts for Upplev, in room
    "Styrel Upplev" only. Charlie acts for Utanför AB, in no room. Alice coordinates."""

    byggen: int
    upplev: int
    outside: int
    room_byggen: int
    room_upplev: int
    dave: Persona


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> World:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room_byggen = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten Byggen")
    room_upplev = await open_room(db, alice, Process.EL_STYREL, name="Styrel Upplev")
    await invite(db, app, alice, room_byggen, byggen)
    await invite(db, app, alice, room_upplev, upplev)
    await accept(db, bob, room_byggen, byggen)
    await accept(db, dave, room_upplev, upplev)
    await db.execute(sa.delete(OutboxMessage))  # the invitations are tested elsewhere
    await db.commit()
    return World(byggen, upplev, outside, room_byggen, room_upplev, dave)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)


async def digest_round(
    app: Starlette, settings: Settings, now: datetime, *, batch: int = service.BATCH
) -> tuple[service.Sent, int]:
    """One round of the digest job at ``now`` in a session of its own, then the outbox."""
    async with app.state.portal.sessions() as db:
        sent = await service.send_due(
            db, settings=settings, env=app.state.portal.templates.env, now=now, batch=batch
        )
    delivered = await sender.deliver_due(app.state.portal.sessions, settings, now=now)
    return sent, delivered


# --- what happens in a room, written as the features write it --------------------------------


async def plan_with_version(
    db: AsyncSession, room_id: int, title: str, published_at: datetime, coordinator: Persona
) -> tuple[int, int, int]:
    """A plan with one section and its first version; (plan, section, version) ids."""
    plan = Plan(room_id=room_id, title=title, latest_version=1, created_by=coordinator.id)
    db.add(plan)
    await db.flush()
    assert plan.id is not None
    section = PlanSection(plan_id=plan.id, key="a1", position=1, heading=f"Ansvar i {title}")
    version = PlanVersion(
        plan_id=plan.id, number=1, title=title, note="Första versionen", published_at=published_at
    )
    db.add_all([section, version])
    await db.commit()
    assert section.id is not None
    assert version.id is not None
    return plan.id, section.id, version.id


async def comment(
    db: AsyncSession,
    plan_id: int,
    section_id: int,
    author: Persona,
    at: datetime,
    *,
    parent_id: int | None = None,
    body: str = "Ett påpekande",
) -> int:
    row = PlanComment(
        plan_id=plan_id,
        section_id=section_id,
        parent_id=parent_id,
        version_number=1,
        author_id=author.id,
        body=body,
        created_at=at,
    )
    db.add(row)
    await db.commit()
    assert row.id is not None
    return row.id


async def remiss(
    db: AsyncSession,
    room_id: int,
    plan_id: int,
    version_id: int,
    organisation_id: int,
    *,
    opened_at: datetime,
    deadline: date,
    coordinator: Persona,
) -> int:
    consultation = Consultation(
        room_id=room_id,
        plan_id=plan_id,
        version_id=version_id,
        deadline=deadline,
        opened_at=opened_at,
        opened_by=coordinator.id,
    )
    db.add(consultation)
    await db.flush()
    assert consultation.id is not None
    db.add(ConsultationRecipient(consultation_id=consultation.id, organisation_id=organisation_id))
    await db.commit()
    return consultation.id


async def meeting(
    db: AsyncSession,
    room_id: int | None,
    organisation_id: int,
    title: str,
    starts_at: datetime,
    coordinator: Persona,
) -> int:
    row = Meeting(
        uid=uuid.uuid4().hex,
        room_id=room_id,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        organiser_id=coordinator.id,
    )
    db.add(row)
    await db.flush()
    assert row.id is not None
    db.add(MeetingOrganisation(meeting_id=row.id, organisation_id=organisation_id))
    await db.commit()
    return row.id


async def action(
    db: AsyncSession, room_id: int | None, organisation_id: int, title: str, due_on: date
) -> int:
    row = Action(
        title=title,
        organisation_id=organisation_id,
        due_on=due_on,
        source_type=ActionSource.ROOM_PHASE,
        source_id=1,
        source_link="/",
        room_id=room_id,
    )
    db.add(row)
    await db.commit()
    assert row.id is not None
    return row.id


async def returned(
    db: AsyncSession,
    room_id: int,
    organisation_id: int,
    at: datetime,
    coordinator: Persona,
    comment_text: str,
    kind: str = "water_needs",
) -> int:
    item_id = await item_of_kind(db, room_id, kind)
    db.add(
        ItemProgress(
            room_id=room_id,
            item_id=item_id,
            organisation_id=organisation_id,
            status=ProgressStatus.RETURNED,
            reviewed_at=at,
            reviewed_by=coordinator.id,
            review_comment=comment_text,
        )
    )
    await db.commit()
    return item_id
