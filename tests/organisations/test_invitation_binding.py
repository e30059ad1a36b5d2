"""An organisation invitation is bound to the address it was sent to: only someone who logs in
(through the loopback OpenID Provider) with that address, verified, can accept it; anyone else
gets a page saying whom it was for and how to get one of their own, and the organisation's main
contact or the coordinator can send it again with a new link."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.audit.models import AuditEvent
from partner_portal.mail.models import OutboxMessage
from partner_portal.organisations.models import Invitation, Membership, MembershipRole
from partner_portal.platform.settings import Settings, replace
from tests.auth import flow
from tests.helpers import BASE_URL, Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.organisations.test_invitations import fresh_token_for

LINK = re.compile(r"/inbjudan/[A-Za-z0-9_-]{30,}")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def memberships(db: AsyncSession) -> list[Membership]:
    await db.rollback()
    return list(await db.scalars(sa.select(Membership)))


async def accept(web: httpx.AsyncClient, app: Starlette, path: str) -> httpx.Response:
    return await web.post(path, data={"csrf_token": await csrf_token(web, app)})


async def test_someone_logged_in_with_another_address_cannot_accept_and_is_told_whom_it_is_for(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, byggen, "erik.oberg@botkyrkabyggen.se", alice, "admin")
    path = f"/inbjudan/{token}"
    await flow.log_in(web, "alice-sub", next_path=path)  # alice@example.se, verified

    page = await web.get(path)
    refused = await accept(web, portal, path)

    assert page.status_code == 200
    assert "Acceptera inbjudan" not in page.text
    assert refused.status_code == 403
    for shown in (page.text, refused.text):
        said = text_of(shown)
        assert (
            "Inbjudan gäller erik.oberg@botkyrkabyggen.se, men du är inloggad som "
            "Alice Andersson med alice@example.se." in said
        )
        assert "Be Alice Andersson eller organisationens huvudkontakt" in said
        assert "skicka inbjudan igen" in said
    assert await memberships(db) == []
    await db.rollback()
    [event] = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == "invitation_refused")
    )
    assert event.organisation_id == byggen
    assert event.details["invited"] == "erik.oberg@botkyrkabyggen.se"
    assert event.details["logged_in_as"] == "alice@example.se"
    [invitation] = await db.scalars(sa.select(Invitation))
    assert invitation.status == "pending"  # still there for the one it was sent to


async def test_the_invited_address_is_compared_without_regard_to_case(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, byggen, "ALICE@example.SE", alice, "admin")
    path = f"/inbjudan/{token}"
    await flow.log_in(web, "alice-sub", next_path=path)  # the provider says Alice@Example.se

    response = await accept(web, portal, path)

    assert response.status_code == 303
    [membership] = await memberships(db)
    assert (membership.organisation_id, membership.role) == (byggen, MembershipRole.ADMIN)


async def test_an_address_the_provider_does_not_vouch_for_cannot_accept(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, byggen, "bob@example.se", alice)
    path = f"/inbjudan/{token}"
    await flow.log_in(web, "bob-sub", next_path=path)  # bob@example.se, no email_verified

    response = await accept(web, portal, path)

    assert response.status_code == 403
    assert (
        "Du är inloggad med bob@example.se, men inloggningstjänsten har inte bekräftat att "
        "adressen är din." in text_of(response.text)
    )
    assert await memberships(db) == []


@pytest.fixture
async def trusting_web(portal_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(replace(portal_settings, oidc_trust_email=True))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        client.app = app  # type: ignore[attr-defined]  # for the CSRF token below
        yield client
    await app.state.portal.engine.dispose()


async def test_with_the_trust_setting_a_provider_without_email_verified_can_bind(
    trusting_web: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, byggen, "bob@example.se", alice)
    path = f"/inbjudan/{token}"
    await flow.log_in(trusting_web, "bob-sub", next_path=path)

    response = await accept(trusting_web, trusting_web.app, path)  # type: ignore[attr-defined]

    assert response.status_code == 303
    assert len(await memberships(db)) == 1


async def test_the_main_contact_sends_it_again_and_only_the_new_link_works(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    old = await fresh_token_for(db, byggen, "alice@example.se", bob)
    invitation_id = await db.scalar(sa.select(col(Invitation.id)))
    await log_in(web, portal, bob)
    organisation_page = (await web.get(f"/organisationer/{byggen}")).text
    assert f'action="/inbjudningar/{invitation_id}/skicka-igen' in organisation_page

    resent = await web.post(
        f"/inbjudningar/{invitation_id}/skicka-igen",
        data={"csrf_token": await csrf_token(web, portal)},
    )

    assert resent.status_code == 303
    await db.rollback()
    [mail] = await db.scalars(sa.select(OutboxMessage))
    assert mail.to_address == "alice@example.se"
    [new] = LINK.findall(mail.body_text)
    web.cookies.clear()
    await flow.log_in(web, "alice-sub", next_path=new)
    assert (await web.get(f"/inbjudan/{old}")).status_code == 410
    assert (await accept(web, portal, new)).status_code == 303
    joined = [m for m in await memberships(db) if m.person_id != bob.id]
    assert [m.role for m in joined] == [MembershipRole.MEMBER]
