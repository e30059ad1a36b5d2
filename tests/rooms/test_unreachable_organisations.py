"""An organisation whose main contact has no usable email address: inviting it with others to a
room invites the others and says who could not be reached and why; the register marks it
"Kan inte nås"; and no mail to a bad address is ever a 500 or a rolled-back batch."""

from __future__ import annotations

import re
from typing import TypeVar

import httpx
import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.evidence.models import Evidence
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.mail.outbox import UNUSABLE_ADDRESS
from partner_portal.organisations.models import MembershipRole, Organisation
from partner_portal.rooms.models import Participation
from tests.helpers import Persona, csrf_token, log_in, make_person
from tests.meetings.factories import schedule
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import open_room

T = TypeVar("T")


async def rows(db: AsyncSession, model: type[T], *where: ColumnElement[bool]) -> list[T]:
    await db.rollback()
    return list(await db.scalars(sa.select(model).where(*where)))


async def contact_without_address(
    db: AsyncSession, name: str, organisation_id: int, email: str | None
) -> Persona:
    """A main contact whose stored email is ``email`` (None: the provider sent none; a login id:
    stored before logins were checked)."""
    persona = await make_person(db, name)
    await db.execute(sa.update(Person).where(col(Person.id) == persona.id).values(email=email))
    await db.commit()
    await add_member(db, persona, organisation_id, MembershipRole.ADMIN)
    return persona


async def invite_on_the_page(
    client: httpx.AsyncClient, app: Starlette, room_id: int, *organisation_ids: int
) -> httpx.Response:
    return await client.post(
        f"/rum/{room_id}/deltagare",
        data={
            "organisation": [str(o) for o in organisation_ids],
            "csrf_token": await csrf_token(client, app),
        },
    )


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_inviting_three_where_one_cannot_be_reached_invites_the_two_and_says_why(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    charlie: Persona,
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    sbff = await make_organisation(db, "Södertörns brandförsvarsförbund")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await contact_without_address(db, "Erik Öberg", upplev, "erik")
    await add_member(db, charlie, sbff, MembershipRole.ADMIN)
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)

    response = await invite_on_the_page(client, app, room_id, byggen, upplev, sbff)

    assert response.status_code == 200
    page = text_of(response.text)
    assert "1 organisation kunde inte nås och bjöds inte in" in page
    assert "Upplev Botkyrka AB : Huvudkontakten Erik Öberg har ingen användbar e-postadress" in page
    assert "Inbjudna: AB Botkyrkabyggen, Södertörns brandförsvarsförbund." in page
    invited = {p.organisation_id for p in await rows(db, Participation)}
    assert invited == {byggen, sbff}
    assert {e.organisation_id for e in await rows(db, Evidence)} == {byggen, sbff}
    mails = await rows(db, OutboxMessage)
    assert sorted(m.to_address for m in mails) == [bob.email, charlie.email]
    assert {m.status for m in mails} == {OutboxStatus.PENDING}
    # Upplev is still offered, marked, for when its contact is put right.
    room_page = (await client.get(f"/rum/{room_id}")).text
    assert re.search(rf'for="org-{upplev}">Upplev Botkyrka AB <span[^>]*>Kan inte nås', room_page)


async def test_the_register_and_the_organisation_page_mark_what_cannot_be_reached(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await make_organisation(db, "Stiftelsen Hågelby")  # no main contact: not "kan inte nås"
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await contact_without_address(db, "Erik Öberg", upplev, None)
    await log_in(client, app, alice)

    register = (await client.get("/organisationer")).text

    marked = [
        name
        for name, cells in re.findall(
            r'<a href="/organisationer/\d+">([^<]+)</a>(.*?)</tr>', register, re.S
        )
        if "Kan inte nås" in cells
    ]
    assert marked == ["Upplev Botkyrka AB"]
    page = text_of((await client.get(f"/organisationer/{upplev}")).text)
    assert (
        "Kan inte nås med e-post. Huvudkontakten Erik Öberg har ingen användbar e-postadress"
        in page
    )
    assert "Kan inte nås" not in (await client.get(f"/organisationer/{byggen}")).text


async def test_a_usable_contact_address_reaches_an_organisation_whose_contact_has_none(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await db.execute(
        sa.update(Organisation)
        .where(col(Organisation.id) == upplev)
        .values(contact_email="info@upplev.example.se")
    )
    await db.commit()
    await contact_without_address(db, "Erik Öberg", upplev, None)
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)

    response = await invite_on_the_page(client, app, room_id, upplev)

    assert response.status_code == 303
    [mail] = await rows(db, OutboxMessage)
    assert mail.to_address == "info@upplev.example.se"
    assert "Kan inte nås" not in (await client.get("/organisationer")).text


async def test_an_organisation_without_any_address_is_invited_and_the_page_says_nobody_was_mailed(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    hagelby = await make_organisation(db, "Stiftelsen Hågelby")
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)

    response = await invite_on_the_page(client, app, room_id, hagelby)

    assert response.status_code == 200
    assert "Ingen fick e-post om inbjudan till Stiftelsen Hågelby" in text_of(response.text)
    assert [p.organisation_id for p in await rows(db, Participation)] == [hagelby]
    assert await rows(db, OutboxMessage) == []


async def test_a_meeting_invitation_to_someone_without_a_usable_address_is_no_500(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await contact_without_address(db, "Erik Öberg", upplev, "erik")

    meeting_id = await schedule(db, app, alice, byggen, upplev)

    mails = await rows(db, OutboxMessage, col(OutboxMessage.related_id) == meeting_id)
    by_address = {m.to_address: m for m in mails}
    assert by_address[bob.email].status is OutboxStatus.PENDING
    assert (by_address["erik"].status, by_address["erik"].last_error) == (
        OutboxStatus.FAILED,
        UNUSABLE_ADDRESS,
    )


async def test_every_mailing_to_main_contacts_gets_only_usable_addresses(
    db: AsyncSession, bob: Persona
) -> None:
    """Room invitations and consultation requests share this: a bad address is left out, and
    the organisation's contact address stands in when no main contact has a usable one."""
    from partner_portal.organisations.queries import main_contact_addresses

    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await contact_without_address(db, "Erik Öberg", byggen, "erik")
    await contact_without_address(db, "Ulla Upplev", upplev, "ulla at upplev")
    await db.execute(
        sa.update(Organisation)
        .where(col(Organisation.id) == upplev)
        .values(contact_email="info@upplev.example.se")
    )
    await db.commit()

    addresses = await main_contact_addresses(db, [byggen, upplev])

    assert addresses == {byggen: [bob.email], upplev: ["info@upplev.example.se"]}
