"""A seeded room for the crisis pack: Byggen (Bob) and Upplev (Dave) take part, Utanför AB
(Charlie) does not; a published plan with an activation routine; handed-in Styrel and water
rows; both organisations' crisis contacts, one with a name outside Latin-1."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.contacts.service import PersonInput
from partner_portal.deliverables.models import (
    ConnectionPoint,
    StyrelUser,
    WaterCategory,
    WaterNeed,
)
from partner_portal.evidence.models import Process
from partner_portal.organisations.models import MembershipRole
from partner_portal.plans.models import Plan, PlanSection, PlanVersion, PlanVersionSection
from partner_portal.platform import clock
from partner_portal.rooms.models import ItemProgress, ProgressStatus
from tests.contacts.conftest import enter
from tests.helpers import Persona, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, item_of_kind, open_room

LUKASZ = PersonInput("Łukasz Ødegård", "Krisledare", "070-123 45 67")
SECTIONS = (
    ("Aktiveringsrutin", "Tjänsteman i beredskap larmar **krisledningsgruppen** inom 30 minuter."),
    ("Ansvar och roller", "Kommunen samordnar; varje bolag leder sin egen verksamhet."),
    ("Utdelning av nödvatten", "Vatten delas ut vid Tumba torg och Alby centrum."),
)


@dataclass
class Room:
    id: int
    byggen: int
    upplev: int
    outside: int
    dave: Persona


async def publish(
    db: AsyncSession, room_id: int, title: str, sections: tuple[tuple[str, str], ...]
) -> None:
    plan = Plan(room_id=room_id, title=title, latest_version=1)
    db.add(plan)
    await db.flush()
    assert plan.id is not None
    version = PlanVersion(plan_id=plan.id, number=1, title=title, published_at=clock.now())
    db.add(version)
    await db.flush()
    assert version.id is not None
    for position, (heading, body) in enumerate(sections, start=1):
        section = PlanSection(
            plan_id=plan.id, key=f"s{position}", position=position, heading=heading, body=body
        )
        db.add(section)
        await db.flush()
        assert section.id is not None
        db.add(
            PlanVersionSection(
                version_id=version.id,
                section_id=section.id,
                position=position,
                heading=heading,
                body=body,
            )
        )
    await db.commit()


async def handed_in(
    db: AsyncSession, room_id: int, organisation_id: int, kind: str
) -> tuple[int, int]:
    item_id = await item_of_kind(db, room_id, kind)
    progress = ItemProgress(
        room_id=room_id,
        item_id=item_id,
        organisation_id=organisation_id,
        status=ProgressStatus.SUBMITTED,
        submitted_at=clock.now(),
    )
    db.add(progress)
    await db.flush()
    assert progress.id is not None
    return item_id, progress.id


async def styrel_user(
    db: AsyncSession, room_id: int, progress_id: int, name: str, klass: int, gsrn: str
) -> None:
    user = StyrelUser(
        progress_id=progress_id,
        room_id=room_id,
        position=1,
        name=name,
        activity="Vård",
        priority_class=klass,
        justification="Liv och hälsa",
        address="Storgatan 1",
        grid_company="Ellevio",
    )
    db.add(user)
    await db.flush()
    assert user.id is not None
    db.add(
        ConnectionPoint(
            user_id=user.id, room_id=room_id, position=1, gsrn=gsrn, priority_class=klass
        )
    )


@pytest.fixture
async def room(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> Room:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    # A combined room: one process, but a pack holds whatever deliverables the room has.
    room_id = await open_room(db, alice, Process.EL_STYREL, name="Elavbrott 2027")
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    await accept(db, dave, room_id, upplev)
    await publish(db, room_id, "Plan vid elavbrott", SECTIONS)
    _item, progress = await handed_in(db, room_id, byggen, "styrel_users")
    await styrel_user(db, room_id, progress, "Vårdboendet Solgården", 2, "735999100000000018")
    await styrel_user(db, room_id, progress, "Kontoret Tullinge", 7, "735999100000000025")
    await db.commit()
    await enter(db, byggen, bob, "08-530 610 00", LUKASZ)
    await enter(db, upplev, dave, "08-530 620 00")
    return Room(room_id, byggen, upplev, outside, dave)


async def water_room(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, byggen: int
) -> int:
    """A Nödvatten room where Byggen has handed in two sites."""
    room_id = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten 2027")
    await invite(db, app, alice, room_id, byggen)
    await accept(db, bob, room_id, byggen)
    _item, progress = await handed_in(db, room_id, byggen, "water_needs")
    for position, (site, category, vulnerable) in enumerate(
        (
            ("Kontoret Alby", WaterCategory.BUSINESS, 0),
            ("Äldreboendet Björkhagen", WaterCategory.CARE, 12),
        ),
        start=1,
    ):
        db.add(
            WaterNeed(
                progress_id=progress,
                room_id=room_id,
                position=position,
                site=site,
                category=category,
                persons=40,
                litres_per_day=400,
                vulnerable=vulnerable,
                own_tank=False,
            )
        )
    await db.commit()
    return room_id
