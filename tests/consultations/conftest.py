from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.organisations.models import MembershipRole
from tests.consultations.factories import comment, open_consultation, published_plan
from tests.helpers import Persona, make_person
from tests.meetings.factories import start_day
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, open_room
from tests.s3_server import STORES, both_stores


@pytest.fixture(params=STORES)
def store_environment(request: pytest.FixtureRequest) -> dict[str, str]:
    """Statements' files: on both stores (tests/s3_server.py)."""
    return both_stores(request)


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> dict[str, int]:
    """Alice coordinates a guidelines room; Bob (Byggen) and Dave (Upplev) take part and are
    asked for statements; Charlie's organisation is not in the room. The room's year of
    planning began a month before the test's day."""
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    starts_on = start_day() - timedelta(days=30)
    room_id = await open_room(
        db,
        alice,
        Process.RIKTLINJER,
        name="Riktlinjer 2026",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=340),
    )
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    await accept(db, dave, room_id, upplev)
    plan_id, version_id, sections = await published_plan(db, room_id)
    comment_id = await comment(db, plan_id, sections[0], bob, byggen, "Förtydliga syftet.")
    consultation_id = await open_consultation(db, app, alice, room_id, version_id, [byggen, upplev])
    return {
        "room_id": room_id,
        "byggen": byggen,
        "upplev": upplev,
        "outside": outside,
        "dave": dave.id,
        "plan_id": plan_id,
        "version_id": version_id,
        "section_id": sections[0],
        "comment_id": comment_id,
        "consultation_id": consultation_id,
    }
