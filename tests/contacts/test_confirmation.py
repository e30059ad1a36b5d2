"""Every six months each organisation is asked, once, to confirm its entry; the one-click
confirmation works without login and is audited; the directory flags stale entries."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import Person
from partner_portal.contacts import service
from partner_portal.contacts.models import OrganisationContact
from partner_portal.mail import sender
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from tests.contacts.conftest import World, enter
from tests.helpers import Persona, log_in
from tests.smtp import ReceivedMail, SmtpServer

HALF_YEAR = timedelta(days=182)


def confirmations(mails: list[ReceivedMail]) -> list[ReceivedMail]:
    """The confirmation requests (the room invitations of the world went first)."""
    return [m for m in mails if "/kontakter/bekrafta/" in m.text]


async def ask(app: Starlette, settings: Settings) -> int:
    async with app.state.portal.sessions() as db:
        asked = await service.ask_for_confirmation(
            db, settings=settings, env=app.state.portal.templates.env, now=clock.now()
        )
    await sender.deliver_due(app.state.portal.sessions, settings)
    return asked


async def test_a_stale_entry_is_flagged_asked_for_once_and_confirmed_with_one_click(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00")
    assert await ask(app, mail_settings) == 0  # just entered: nothing to ask

    clock.advance(HALF_YEAR + timedelta(days=1))
    await log_in(client, app, alice)
    assert "Inaktuell" in (await client.get("/kontakter")).text

    assert await ask(app, mail_settings) == 1
    assert await ask(app, mail_settings) == 0  # once
    [mail] = confirmations(await smtp.wait_for(3))
    assert mail.recipients == (bob.email,)
    assert "AB Botkyrkabyggen" in mail.subject
    link = next(w for w in mail.text.split() if "/kontakter/bekrafta/" in w)
    path = urlsplit(link).path

    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=str(client.base_url)
    )
    async with anonymous:
        shown = await anonymous.get(path)
        assert shown.status_code == 200
        assert "08-530 610 00" in shown.text
        await db.rollback()
        row = await db.get(OrganisationContact, world.byggen)
        assert row is not None
        stale_since = row.confirmed_at
        done = await anonymous.post(path, headers={"Origin": str(client.base_url)})
        assert done.status_code == 200
        assert "bekräftade" in done.text
        assert (await anonymous.get("/kontakter/bekrafta/inte-en-riktig-lank")).status_code == 404

    await db.rollback()
    row = await db.get(OrganisationContact, world.byggen, populate_existing=True)
    assert row is not None
    assert row.confirmed_at > stale_since
    assert row.confirmed_by is None
    [event] = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.CONTACTS_CONFIRMED)
    )
    assert event.organisation_id == world.byggen
    assert event.actor_person_id is None
    assert event.details["via"] == "link"
    page = (await client.get("/kontakter")).text
    assert "Inaktuell" not in page
    assert "bekräftad" in page

    # Another half year on, it is asked for again, once.
    clock.advance(HALF_YEAR + timedelta(days=1))
    assert await ask(app, mail_settings) == 1


async def test_an_expired_link_says_so(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00")
    clock.advance(HALF_YEAR + timedelta(days=1))
    await ask(app, mail_settings)
    [mail] = confirmations(await smtp.wait_for(3))
    path = urlsplit(next(w for w in mail.text.split() if "/kontakter/bekrafta/" in w)).path
    clock.advance(service.LINK_VALID + timedelta(days=1))
    client.cookies.clear()
    gone = await client.get(path)
    assert gone.status_code == 410
    assert "Länken har gått ut" in gone.text


async def test_the_request_reaches_an_english_main_contact_in_english(
    app: Starlette,
    db: AsyncSession,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    person = await db.get(Person, bob.id)
    assert person is not None
    person.language = "en"
    await db.commit()
    await enter(db, world.byggen, bob, "08-530 610 00")
    clock.advance(HALF_YEAR + timedelta(days=1))
    await ask(app, mail_settings)
    [mail] = confirmations(await smtp.wait_for(3))
    assert mail.subject == "Are the crisis contacts of AB Botkyrkabyggen right?"
    assert "Confirm with one click that they are right" in mail.text
