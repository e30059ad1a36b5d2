"""Failed mail is visible to coordinators — every kind, its reason, a retry that the outbox then
delivers — and an organisation whose mail keeps failing is marked in the register."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.mail import facade as mail
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.mail.outbox import UNUSABLE_ADDRESS
from partner_portal.mail.sender import deliver_due
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings, replace
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter
from tests.smtp import SmtpServer, running_smtp

PAGE = "/utskick/misslyckade"
CALLOUT_BODY = "Samling vid Tumba bibliotek, ring Lina på 070-123 45 67"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


@pytest.fixture
def mail_settings(app: Starlette, smtp: SmtpServer) -> Settings:
    settings: Settings = app.state.portal.settings
    return replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)


def failed_row(to: str, n: int = 1, *, status: OutboxStatus = OutboxStatus.FAILED) -> OutboxMessage:
    now = clock.now()
    return OutboxMessage(
        to_address=to,
        subject=f"FRG-utlarmning {n}: vattenutdelning i Alby",
        body_text=CALLOUT_BODY,
        body_html=f"<p>{CALLOUT_BODY}</p>",
        created_at=now,
        next_attempt_at=now,
        status=status,
        attempts=8 if status is OutboxStatus.FAILED else 1,
        last_error="SMTP 550: 5.1.1 Mailbox unavailable" if status is OutboxStatus.FAILED else None,
    )


async def add(db: AsyncSession, *rows: OutboxMessage) -> list[int]:
    db.add_all(rows)
    await db.commit()
    return [r.id for r in rows if r.id is not None]


async def outbox_row(db: AsyncSession, message_id: int) -> OutboxMessage:
    await db.rollback()
    row = await db.get(OutboxMessage, message_id)
    assert row is not None
    return row


async def retry(client: httpx.AsyncClient, app: Starlette, message_id: int) -> httpx.Response:
    return await client.post(
        f"{PAGE}/{message_id}/forsok-igen", data={"csrf_token": await csrf_token(client, app)}
    )


async def test_a_refused_mail_is_listed_and_a_retry_delivers_it(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    env = app.state.portal.templates.env
    mail.send(
        db,
        env,
        "minutes-reminder",
        to=mail.Recipient("lina.virtanen@example.se"),
        context={
            "name": "Lina",
            "title": "Elbrist i Tumba",
            "when": "i går",
            "days": 3,
            "url": "x",
        },
    )
    await db.commit()
    smtp.refuse.add("lina.virtanen@example.se")
    assert await deliver_due(app.state.portal.sessions, mail_settings) == 0
    message_id = await db.scalar(sa.select(sa.func.max(col(OutboxMessage.id))))
    assert message_id is not None
    assert (await outbox_row(db, message_id)).status is OutboxStatus.FAILED
    await log_in(client, app, alice)

    page = await client.get(PAGE)

    assert page.status_code == 200
    assert "Protokoll saknas: Elbrist i Tumba" in page.text
    assert "lina.virtanen@example.se" in page.text
    assert "SMTP 550" in page.text
    assert "1 misslyckat meddelande" in page.text
    assert "Skriv protokollet" not in page.text  # never a body
    assert f'action="{PAGE}/{message_id}/forsok-igen"' in page.text

    smtp.refuse.clear()  # the address is put right
    retried = await retry(client, app, message_id)

    assert (retried.status_code, retried.headers["location"]) == (303, f"{PAGE}?skickas=1")
    row = await outbox_row(db, message_id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    [event] = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.MAIL_RETRIED)
    )
    assert (event.actor_person_id, event.object_id) == (alice.id, str(message_id))
    assert "Inga misslyckade utskick." in (await client.get(f"{PAGE}?skickas=1")).text

    assert await deliver_due(app.state.portal.sessions, mail_settings) == 1
    [delivered] = await smtp.wait_for(1)
    assert delivered.recipients == ("lina.virtanen@example.se",)
    assert delivered.subject == "Protokoll saknas: Elbrist i Tumba"
    assert (await outbox_row(db, message_id)).status is OutboxStatus.SENT
    # Sent now: a second retry finds nothing to retry.
    assert (await retry(client, app, message_id)).status_code == 404


async def test_only_coordinators_see_failed_mail_and_retry_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    [message_id] = await add(db, failed_row("lina.virtanen@example.se"))
    assert (await client.get(PAGE)).status_code in (302, 303, 401)
    await log_in(client, app, bob)

    page = await client.get(PAGE)
    refused = await retry(client, app, message_id)

    assert page.status_code in (403, 404)
    assert "lina.virtanen@example.se" not in page.text
    assert refused.status_code in (403, 404)
    assert (await outbox_row(db, message_id)).status is OutboxStatus.FAILED


async def test_something_that_is_not_an_address_cannot_be_retried(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    row = failed_row("Lina Virtanen, Tumba")
    row.last_error = UNUSABLE_ADDRESS
    [message_id] = await add(db, row)
    await log_in(client, app, alice)

    page = (await client.get(PAGE)).text
    refused = await retry(client, app, message_id)

    assert UNUSABLE_ADDRESS in page
    assert "Rätta adressen först" in page
    assert f"{message_id}/forsok-igen" not in page
    assert refused.status_code == 400
    assert "Mottagaren är inte en e-postadress" in refused.text
    assert (await outbox_row(db, message_id)).status is OutboxStatus.FAILED


async def test_the_page_reads_in_the_same_number_of_queries_for_3_and_60_and_pages_on(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    query_counter: QueryCounter,
) -> None:
    await log_in(client, app, alice)
    await add(db, *(failed_row(f"person{n}@example.se", n) for n in range(3)))
    with_3 = await query_counter.for_page(client, PAGE)
    await add(db, *(failed_row(f"person{n}@example.se", n) for n in range(3, 60)))
    with_60 = await query_counter.for_page(client, PAGE)

    assert with_3 == with_60
    first = (await client.get(PAGE)).text
    assert "60 misslyckade meddelanden" in first
    assert "FRG-utlarmning 59:" in first  # newest first
    assert "FRG-utlarmning 9:" not in first  # 50 a page
    second = (await client.get(PAGE, params={"sida": "2"})).text
    assert "FRG-utlarmning 9:" in second
    assert "FRG-utlarmning 59:" not in second


async def test_an_organisation_whose_mail_keeps_failing_is_marked_in_the_register(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await log_in(client, app, alice)
    badge = f'<a class="badge badge--error" href="{PAGE}">Utskick misslyckas</a>'

    await add(db, failed_row(bob.email, 1))
    assert badge not in (await client.get("/organisationer")).text  # once is not "keeps"
    await add(db, failed_row(bob.email, 2))
    assert badge in (await client.get("/organisationer")).text
    await add(db, failed_row(bob.email, 3, status=OutboxStatus.SENT))
    assert badge not in (await client.get("/organisationer")).text  # delivered again since
    clock.advance(timedelta(minutes=1))
    await add(db, failed_row(bob.email, 4), failed_row(bob.email, 5))
    listed = await query_counter.for_page(client, "/organisationer")
    for n in range(20):
        organisation_id = await make_organisation(db, f"Bolag {n:02d}")
        await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    page = (await client.get("/organisationer")).text
    assert page.count(badge) == 21  # Bob's address is every one's main contact
    assert await query_counter.for_page(client, "/organisationer") == listed
