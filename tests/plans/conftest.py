"""A room with a published plan: Alice coordinates, Bob's organisation takes part, Dave's is
invited but has not answered, Charlie's is not in the room."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform.settings import Settings, load_settings
from tests.helpers import BASE_URL, Persona, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.plans.factories import make_plan
from tests.rooms.factories import accept, invite, open_room


@pytest.fixture
async def dave(db: AsyncSession) -> Persona:
    return await make_person(db, "Dave Dahl")


@pytest.fixture
async def world(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    charlie: Persona,
    dave: Persona,
) -> dict[str, int]:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room_id = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten 2026")
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    plan_id, (first, second) = await make_plan(
        db,
        alice,
        room_id,
        [
            ("Ansvar och mandat", "Kommunen leder arbetet.\n\nVA-huvudmannen levererar vatten."),
            ("Prioritering", "1. Sjukhus\n2. Äldreboenden"),
        ],
    )
    return {
        "room_id": room_id,
        "plan_id": plan_id,
        "section_id": first,
        "second_section": second,
        "organisation_id": byggen,
        "invited_organisation": upplev,
    }


@pytest.fixture
def settings_for_postgres(postgres_database: str, tmp_path: Path) -> Settings:
    """Settings on the session's PostgreSQL database, for tests about PostgreSQL alone."""
    return load_settings(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "PORTAL_DATABASE_URL": postgres_database,
            "PORTAL_SECRET_KEY": "test-secret-" + "x" * 40,
            "PORTAL_BASE_URL": BASE_URL,
        }
    )
