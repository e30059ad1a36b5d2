"""Invitations by email: the mail, the link, the login, the membership — and every refusal."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.evidence.models import Evidence
from partner_portal.mail.sender import backoff, claim_due, deliver_due
from partner_portal.organisations import invitation_acceptance, invitation_sending
from partner_portal.organisations.access import invitation_for
from partner_portal.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
)
from partner_portal.platform import clock
from partner_portal.platform.errors import Gone
from partner_portal.platform.settings import Settings
from tests.auth import flow
from tests.helpers import BASE_URL, Persona, as_current, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.smtp import SmtpServer

LINK = re.compile(re.escape(BASE_URL) + r"/inbjudan/[A-Za-z0-9_-]{30,}")


async def invite(
    web: httpx.AsyncClient, app: Starlette, organisation_id: int, email: str, role: str = "admin"
) -> httpx.Response:
    return await web.post(
        f"/organisationer/{organisation_id}/inbjudningar",
        data={"email": email, "role": role, "csrf_token": await csrf_token(web, app)},
    )


async def deliver(app: Starlette, *, now: object = None) -> int:
    portal = app.state.portal
    return await deliver_due(portal.sessions, portal.settings, now=now)  # type: ignore[arg-type]


async def accept(web: httpx.AsyncClient, app: Starlette, link: str) -> httpx.Response:
    return await web.post(link, data={"csrf_token": await csrf_token(web, app)})


async def rows(db: AsyncSession, model: type, *where: object) -> list:  # type: ignore[type-arg]
    await db.rollback()
    return list(await db.scalars(sa.select(model).where(*where)))  # type: ignore[arg-type]


async def test_an_invited_person_follows_the_mailed_link_logs_in_and_becomes_admin(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
    provider: object,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    response = await invite(web, portal, organisation_id, "Alice@Example.se")
    assert response.status_code == 303
    await web.post("/auth/logout", data={"csrf_token": await csrf_token(web, portal)})

    assert await deliver(portal) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == ("alice@example.se",)
    assert mail.subject == "Inbjudan till Partnerportalen: AB Botkyrkabyggen"
    assert "Alice Andersson har bjudit in dig att företräda AB Botkyrkabyggen" in mail.text
    [link] = LINK.findall(mail.text)
    assert link in mail.html

    path = urlsplit(link).path
    page = await web.get(path)
    assert page.status_code == 200
    assert "Logga in för att acceptera" in page.text
    callback = await flow.at_provider(await flow.start_login(web, path), "alice-sub")
    back = await web.get(callback)
    assert back.headers["location"] == path
    assert "Acceptera inbjudan" in (await web.get(path)).text
    accepted = await accept(web, portal, path)

    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/organisationer/{organisation_id}"
    [membership] = await rows(db, Membership)
    assert (membership.organisation_id, membership.role) == (organisation_id, MembershipRole.ADMIN)
    organisation_page = (await web.get(f"/organisationer/{organisation_id}")).text
    assert "Alice Andersson" in organisation_page
    kinds = [e.kind for e in await rows(db, Evidence)]
    assert kinds == ["organisation_invited", "invitation_accepted"]
    actions = [
        a.action
        for a in await rows(db, AuditEvent, col(AuditEvent.organisation_id) == organisation_id)
    ]
    assert actions == ["invitation_sent", "membership_added", "invitation_accepted"]
    assert (await web.get(path)).status_code == 410  # used once


async def test_smtp_down_keeps_the_invitation_queued_until_it_comes_back(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    smtp.stop()

    assert (await invite(web, portal, organisation_id, "erik@botkyrkabyggen.se")).status_code == 303
    assert await deliver(portal) == 0

    [saved] = await rows(db, Invitation)
    assert saved.status is InvitationStatus.PENDING
    overview = (await web.get("/inbjudningar")).text
    assert "I kö för att skickas" in overview
    smtp.start()
    assert await deliver(portal) == 0  # not yet due: it waits for its backoff
    assert await deliver(portal, now=clock.now() + backoff(1) + timedelta(seconds=1)) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == ("erik@botkyrkabyggen.se",)
    assert "Skickad" in (await web.get("/inbjudningar")).text


async def test_a_delivery_process_killed_between_claim_and_send_loses_nothing(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    await invite(web, portal, organisation_id, "erik@botkyrkabyggen.se")
    async with portal.state.portal.sessions() as worker_db:
        claimed = await claim_due(worker_db, now=clock.now())  # … and then the worker dies
    assert len(claimed) == 1
    assert await deliver(portal) == 0  # still leased to the dead worker

    assert await deliver(portal, now=clock.now() + timedelta(minutes=6)) == 1
    [mail] = await smtp.wait_for(1)
    assert LINK.search(mail.text)


async def test_the_overview_shows_every_state(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
    bob: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    smtp.refuse.add("finns-inte@botkyrkabyggen.se")
    for email in ("sent@x.se", "finns-inte@botkyrkabyggen.se", "expired@x.se", "revoked@x.se"):
        await invite(web, portal, organisation_id, email)
    await deliver(portal)
    await invite(web, portal, organisation_id, "queued@x.se")
    revoked = await db.scalar(
        sa.select(col(Invitation.id)).where(col(Invitation.email) == "revoked@x.se")
    )
    await web.post(
        f"/inbjudningar/{revoked}/aterkalla", data={"csrf_token": await csrf_token(web, portal)}
    )
    await db.rollback()  # a fresh snapshot before writing (SQLite)
    await db.execute(
        sa.update(Invitation)
        .where(col(Invitation.email) == "expired@x.se")
        .values(expires_at=clock.now() - timedelta(days=1))
    )
    await db.commit()
    token = await fresh_token_for(db, organisation_id, bob.email, alice)
    await invitation_acceptance.accept(db, person=as_current(bob), token=token, ip_address=None)

    page = (await web.get("/inbjudningar")).text

    def state_of(email: str) -> str:
        row = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(email)}</th>(.*?)</tr>", page, re.S)
        assert row, email
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1)))

    assert "Skickad" in state_of("sent@x.se")
    assert "Kunde inte levereras" in state_of("finns-inte@botkyrkabyggen.se")
    assert "Orsak:" in state_of("finns-inte@botkyrkabyggen.se")
    assert "Utgången" in state_of("expired@x.se")
    assert "Återkallad" in state_of("revoked@x.se")
    assert "I kö för att skickas" in state_of("queued@x.se")
    assert "Accepterad" in state_of(bob.email)
    assert "av Bob Bergström" in state_of(bob.email)


async def fresh_token_for(
    db: AsyncSession, organisation_id: int, email: str, inviter: Persona, role: str = "member"
) -> str:
    """An invitation whose token the test knows (the real one only travels by mail)."""
    from partner_portal.platform.links import digest, new_token

    token = new_token()
    db.add(
        Invitation(
            organisation_id=organisation_id,
            email=email,
            role=MembershipRole(role),
            token_hash=digest(token),
            status=InvitationStatus.PENDING,
            invited_by=inviter.id,
            expires_at=clock.now() + timedelta(days=14),
        )
    )
    await db.commit()
    return token


# --- links that no longer work -------------------------------------------------------------


@pytest.mark.parametrize(
    ("spoil", "title"),
    [
        ("tamper", "Länken gäller inte"),
        ("expire", "Inbjudan har gått ut"),
        ("revoke", "Inbjudan är återkallad"),
        ("use", "Inbjudan är redan använd"),
    ],
)
async def test_a_link_that_no_longer_works_gets_a_clear_410(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    spoil: str,
    title: str,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, organisation_id, "bob@example.se", alice)
    if spoil == "tamper":
        token = token[:-1] + ("x" if token[-1] != "x" else "y")
    elif spoil == "expire":
        await db.execute(
            sa.update(Invitation).values(expires_at=clock.now() - timedelta(seconds=1))
        )
        await db.commit()
    elif spoil == "revoke":
        invitation_id = await db.scalar(sa.select(col(Invitation.id)))
        assert invitation_id is not None
        coordinator = as_current(alice, coordinator=True)
        await invitation_sending.revoke(
            db, actor=coordinator, managed=await invitation_for(db, coordinator, invitation_id)
        )
    else:
        await invitation_acceptance.accept(db, person=as_current(bob), token=token, ip_address=None)
    await log_in(web, portal, bob)

    shown = await web.get(f"/inbjudan/{token}")
    accepted = await accept(web, portal, f"/inbjudan/{token}")

    assert shown.status_code == 410
    assert f"<h1>{title}</h1>" in shown.text
    assert accepted.status_code == 410
    assert [m.person_id for m in await rows(db, Membership)] == ([bob.id] if spoil == "use" else [])


async def test_resending_replaces_the_link(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    smtp: SmtpServer,
    alice: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    await invite(web, portal, organisation_id, "erik@botkyrkabyggen.se")
    invitation_id = await db.scalar(sa.select(col(Invitation.id)))
    await web.post(
        f"/inbjudningar/{invitation_id}/skicka-igen",
        data={"csrf_token": await csrf_token(web, portal)},
    )
    await deliver(portal)
    first, second = await smtp.wait_for(2)

    old, new = (urlsplit(LINK.findall(m.text)[0]).path for m in (first, second))

    assert old != new
    assert (await web.get(old)).status_code == 410
    assert (await web.get(new)).status_code == 200


async def test_two_accepts_of_the_same_link_at_once_exactly_one_succeeds(
    database_url: str, db: AsyncSession, portal: Starlette, alice: Persona, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    token = await fresh_token_for(db, organisation_id, bob.email, alice)
    sessions = portal.state.portal.sessions

    async def accept_as(persona: Persona) -> str:
        async with sessions() as own:
            try:
                await invitation_acceptance.accept(
                    own, person=as_current(persona), token=token, ip_address=None
                )
            except Gone:
                return "gone"
            return "accepted"

    outcomes = await asyncio.gather(accept_as(bob), accept_as(bob))  # a double click

    assert sorted(outcomes) == ["accepted", "gone"]
    assert len(await rows(db, Membership)) == 1
    assert len(await rows(db, Evidence, col(Evidence.kind) == "invitation_accepted")) == 1


# --- who may invite ------------------------------------------------------------------------


async def test_an_org_admin_invites_colleagues_to_their_own_organisation(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    await log_in(web, portal, bob)

    response = await invite(web, portal, organisation_id, "kollega@botkyrkabyggen.se", "member")

    assert response.status_code == 303
    [saved] = await rows(db, Invitation)
    assert (saved.organisation_id, saved.role, saved.invited_by) == (
        organisation_id,
        MembershipRole.MEMBER,
        bob.id,
    )
    assert await rows(db, Evidence) == []  # a colleague, not the municipality inviting


async def test_an_org_admin_cannot_see_or_invite_into_another_organisation(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, bob: Persona, charlie: Persona
) -> None:
    mine = await make_organisation(db, "AB Botkyrkabyggen")
    theirs = await make_organisation(db, "Upplev Botkyrka AB")
    await add_member(db, bob, mine, MembershipRole.ADMIN)
    charlies = await add_member(db, charlie, theirs, MembershipRole.ADMIN)
    await fresh_token_for(db, theirs, "y@example.se", charlie)
    invitation_id = await db.scalar(sa.select(col(Invitation.id)))
    await log_in(web, portal, bob)

    page = await web.get(f"/organisationer/{theirs}")
    response = await invite(web, portal, theirs, "x@example.se")
    resend = await web.post(
        f"/inbjudningar/{invitation_id}/skicka-igen",
        data={"csrf_token": await csrf_token(web, portal)},
    )
    revoke = await web.post(
        f"/inbjudningar/{invitation_id}/aterkalla",
        data={"csrf_token": await csrf_token(web, portal)},
    )
    change = await web.post(
        f"/organisationer/{theirs}/medlemmar/{charlies}",
        data={"role": "member", "csrf_token": await csrf_token(web, portal)},
    )

    assert page.status_code == 404
    assert "Charlie" not in page.text
    assert response.status_code == 404
    assert resend.status_code == 404
    assert revoke.status_code == 404
    assert change.status_code == 404
    assert len(await rows(db, Invitation)) == 1


async def test_a_member_sees_their_organisation_but_cannot_invite_or_manage(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, bob: Persona, charlie: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.MEMBER)
    charlies = await add_member(db, charlie, organisation_id, MembershipRole.ADMIN)
    await log_in(web, portal, bob)

    page = await web.get(f"/organisationer/{organisation_id}")
    response = await invite(web, portal, organisation_id, "x@example.se", "member")
    promote = await web.post(
        f"/organisationer/{organisation_id}/medlemmar/{charlies}",
        data={"role": "member", "csrf_token": await csrf_token(web, portal)},
    )

    assert page.status_code == 200
    assert "Charlie Çelik" in page.text
    assert "Skicka inbjudan" not in page.text
    assert response.status_code == 403
    assert promote.status_code == 403
    assert await rows(db, Invitation) == []


async def test_an_anonymous_visitor_is_sent_to_log_in(
    web: httpx.AsyncClient, db: AsyncSession
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")

    page = await web.get(f"/organisationer/{organisation_id}")

    assert page.status_code == 303
    assert page.headers["location"] == f"/auth/login?next=%2Forganisationer%2F{organisation_id}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "inte-en-adress", "role": "member"}, "Ange en giltig e-postadress"),
        ({"email": "", "role": "member"}, "Ange e-postadressen"),
        ({"email": "x@example.se", "role": "coordinator"}, "Välj vilken roll"),
        ({"email": "x@example.se\r\nBcc: y@example.se", "role": "member"}, "giltig e-postadress"),
    ],
)
async def test_a_bad_invitation_is_refused_in_swedish_and_nothing_is_saved(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    data: dict[str, str],
    message: str,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)

    response = await web.post(
        f"/organisationer/{organisation_id}/inbjudningar",
        data={**data, "csrf_token": await csrf_token(web, portal)},
    )

    assert response.status_code == 400
    assert message in response.text
    assert await rows(db, Invitation) == []


async def test_a_second_pending_invitation_to_the_same_address_is_refused(
    portal: Starlette, web: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    await invite(web, portal, organisation_id, "erik@botkyrkabyggen.se")

    response = await invite(web, portal, organisation_id, "ERIK@botkyrkabyggen.se")

    assert response.status_code == 400
    assert "redan en inbjudan som väntar" in response.text
    assert len(await rows(db, Invitation)) == 1


async def test_invitations_per_hour_are_capped(
    portal: Starlette,
    web: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    portal_settings: Settings,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(web, portal, alice)
    for number in range(portal_settings.invitations_per_hour):
        assert (await invite(web, portal, organisation_id, f"p{number}@x.se")).status_code == 303

    response = await invite(web, portal, organisation_id, "en-till@x.se")

    assert response.status_code == 429
    assert "den senaste timmen" in response.text
    assert len(await rows(db, Invitation)) == portal_settings.invitations_per_hour
