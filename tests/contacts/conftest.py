"""Three organisations: Byggen (Bob, main contact) and Upplev (Dave, main contact) share a room;
Utanför AB (Charlie) is in no room. Alice coordinates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.contacts import service
from partner_portal.contacts.service import ContactInput, PersonInput
from partner_portal.evidence.models import Process
from partner_portal.organisations.models import MembershipRole, OrganisationKind
from partner_portal.platform.settings import Settings, replace
from tests.helpers import Persona, as_current, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, open_room
from tests.smtp import SmtpServer, running_smtp


@dataclass
class World:
    byggen: int
    upplev: int
    outside: int
    room: int
    dave: Persona


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> World:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB", OrganisationKind.STIFTELSE)
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten 2027")
    await invite(db, app, alice, room, byggen, upplev)
    await accept(db, bob, room, byggen)
    return World(byggen, upplev, outside, room, dave)


async def enter(
    db: AsyncSession, organisation_id: int, actor: Persona, phone: str, *people: PersonInput
) -> None:
    await service.save(
        db,
        organisation_id=organisation_id,
        actor=as_current(actor),
        data=ContactInput(phone, "beredskap@example.se", "Rakel: BOT-KRIS-1", tuple(people)),
        ip_address=None,
    )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)
