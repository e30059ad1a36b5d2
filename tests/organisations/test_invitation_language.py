"""An invitation is written in the language of the person who already has the address, and in
Swedish to an address no one in the portal has — whatever language the inviter reads."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.platform import clock
from partner_portal.platform.i18n import LANGUAGE_COOKIE
from tests.helpers import Persona, log_in, make_person
from tests.meetings.factories import long_date
from tests.meetings.test_mail_language import MONTHS
from tests.organisations.factories import make_organisation
from tests.organisations.test_invitations import deliver, invite
from tests.smtp import SmtpServer


async def test_an_english_reader_is_invited_in_english_and_a_newcomer_in_swedish(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
    portal_clock: datetime,
) -> None:
    clock.freeze(portal_clock)
    expires = clock.swedish_date(
        portal_clock + timedelta(days=portal.state.portal.settings.invitation_days)
    )
    erik = await make_person(db, "Erik Ek", email="erik@botkyrkabyggen.example")
    await db.execute(sa.update(Person).where(col(Person.id) == erik.id).values(language="en"))
    await db.commit()
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    web.cookies.set(LANGUAGE_COOKIE, "en")  # the coordinator reads English

    assert (
        await invite(web, portal, organisation_id, "Erik@Botkyrkabyggen.example")
    ).status_code == 303
    assert (
        await invite(web, portal, organisation_id, "ny@botkyrkabyggen.example", "member")
    ).status_code == 303
    assert await deliver(portal) == 2
    mails = {m.recipients[0]: m for m in await smtp.wait_for(2)}

    english = mails["erik@botkyrkabyggen.example"]
    assert english.subject == "Invitation to the Partner Portal: AB Botkyrkabyggen"
    assert (
        "Alice Andersson has invited you to represent AB Botkyrkabyggen in the Partner Portal as "
        "main contact (administrator for the organisation)." in english.text
    )
    english_expiry = f"{expires.day} {MONTHS[expires.month - 1]} {expires.year}"
    assert f"The link is valid until and including {english_expiry}" in english.text
    assert '<html lang="en">' in english.html
    assert "represent <strong>AB Botkyrkabyggen</strong>" in english.html
    assert ">Accept the invitation</a>" in english.html
    assert "Inbjudan" not in english.subject + english.text + english.html

    swedish = mails["ny@botkyrkabyggen.example"]
    assert swedish.subject == "Inbjudan till Partnerportalen: AB Botkyrkabyggen"
    assert (
        "Alice Andersson har bjudit in dig att företräda AB Botkyrkabyggen i Partnerportalen som "
        "representant." in swedish.text
    )
    assert f"Länken gäller till och med {long_date(expires)}" in swedish.text
    assert '<html lang="sv">' in swedish.html
    assert "Invitation" not in swedish.subject + swedish.text + swedish.html
