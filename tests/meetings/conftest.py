from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.organisations.models import MembershipRole
from tests.helpers import Persona, make_person
from tests.meetings.factories import start_day
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, open_room

ROOM_NAME = "Styrel 2026"


@dataclass
class World:
    """Bob is main contact of AB Botkyrkabyggen, Dave represents Upplev Botkyrka AB (both
    take part in the room), Charlie acts for Utanför AB (in no room); Alice coordinates. The
    room's year of planning began a month before the test's day."""

    byggen: int
    upplev: int
    outside: int
    room_id: int
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
    starts_on = start_day() - timedelta(days=30)
    room_id = await open_room(
        db, alice, name=ROOM_NAME, starts_on=starts_on, ends_on=starts_on + timedelta(days=340)
    )
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    await accept(db, dave, room_id, upplev)
    return World(byggen, upplev, outside, room_id, dave)
