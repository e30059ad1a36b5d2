"""Forums for tests, made through the services people use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.forums import service
from partner_portal.organisations.models import MembershipRole
from tests.helpers import Persona, as_current, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite


async def open_forum(
    db: AsyncSession, coordinator: Persona, name: str = "VPC", *, personal_data_free: bool = False
) -> int:
    return await service.open_forum(
        db,
        actor=as_current(coordinator, coordinator=True),
        data=service.ForumInput(name, personal_data_free),
    )


@dataclass
class Forum:
    """A forum with three parties that accepted, each with its main contact; Charlie acts for
    an organisation outside it."""

    room_id: int
    parties: list[int]
    contacts: list[Persona]
    outside: int


async def forum_with_three_parties(
    db: AsyncSession,
    app: Starlette,
    alice: Persona,
    charlie: Persona,
    *,
    personal_data_free: bool = False,
) -> Forum:
    names = ("Lokalpolisområde Botkyrka", "Södertörns brandförsvarsförbund", "AB Botkyrkabyggen")
    parties = [await make_organisation(db, n) for n in names]
    contacts = [
        await make_person(db, f"{first} Kontakt", email=f"{first.lower()}@example.se")
        for first in ("Polis", "Brand", "Bygg")
    ]
    for person, organisation in zip(contacts, parties, strict=True):
        await add_member(db, person, organisation, MembershipRole.ADMIN)
    outside = await make_organisation(db, "Utanför AB")
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room_id = await open_forum(
        db, alice, "Samverkansöverenskommelsen", personal_data_free=personal_data_free
    )
    await invite(db, app, alice, room_id, *parties)
    for person, organisation in zip(contacts, parties, strict=True):
        await accept(db, person, room_id, organisation)
    return Forum(room_id, parties, contacts, outside)
