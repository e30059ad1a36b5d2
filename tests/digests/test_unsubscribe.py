"""One-click unsubscribe (RFC 8058) without login, audited; a GET never unsubscribes; a bad
link is a Swedish 404; and the preferences page."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.mail import preferences, sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.preference_models import DigestFrequency, MailCategory, MailPreference
from partner_portal.meetings import reminders
from partner_portal.platform.settings import Settings
from tests.digests.conftest import (
    World,
    at_seven,
    digest_round,
    next_monday,
    plan_with_version,
)
from tests.helpers import Persona, assert_error_links_resolve, csrf_token, log_in
from tests.meetings.factories import START, meeting_day, schedule, stockholm
from tests.smtp import SmtpServer

DAY = timedelta(days=1)


async def stored(db: AsyncSession, person: Persona) -> MailPreference | None:
    await db.rollback()
    return await db.get(MailPreference, person.id, populate_existing=True)


async def audited(db: AsyncSession, action: AuditAction) -> list[AuditEvent]:
    await db.rollback()
    return list(await db.scalars(sa.select(AuditEvent).where(col(AuditEvent.action) == action)))


async def test_one_post_without_login_unsubscribes_from_the_digest_and_no_digest_comes(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    monday = next_monday()
    await plan_with_version(db, world.room_byggen, "Plan", at_seven(monday, -60), alice)
    await digest_round(app, mail_settings, at_seven(monday))
    [mail] = [m for m in await smtp.wait_for(1) if m.recipients == (bob.email,)]
    path = urlsplit(mail.message["List-Unsubscribe"].strip("<>")).path

    # A mail scanner following the link changes nothing; the page asks with a button.
    page = await client.get(path)
    assert page.status_code == 200
    assert "Vill du sluta få sammanfattningar från Partnerportalen?" in page.text
    assert await stored(db, bob) is None
    assert await audited(db, AuditAction.MAIL_UNSUBSCRIBED) == []

    # What a mail program sends (RFC 8058): a POST with this body, no cookie, no CSRF token.
    done = await client.post(path, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert "Du får inte längre några sammanfattningar" in done.text
    preference = await stored(db, bob)
    assert preference is not None
    assert preference.digest_frequency is DigestFrequency.NONE
    assert preference.reminders is True  # only the link's category
    [event] = await audited(db, AuditAction.MAIL_UNSUBSCRIBED)
    assert event.actor_person_id == bob.id
    assert event.details == {"category": "digest"}
    # Again: still unsubscribed, nothing more recorded.
    assert (await client.post(path, content=b"List-Unsubscribe=One-Click")).status_code == 200
    assert len(await audited(db, AuditAction.MAIL_UNSUBSCRIBED)) == 1

    next_week = monday + timedelta(days=7)
    await plan_with_version(db, world.room_byggen, "Ny plan", at_seven(next_week, -60), alice)
    sent, _ = await digest_round(app, mail_settings, at_seven(next_week))
    assert sent.mailed == 0
    assert len(smtp.received) == 1


async def test_a_reminder_link_turns_off_reminders_only(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona
) -> None:
    token = preferences.new_link(db, bob.id, MailCategory.REMINDER)
    await db.commit()
    headers = dict(preferences.list_headers(app.state.portal.settings, token))
    path = urlsplit(headers["List-Unsubscribe"].strip("<>")).path

    assert (await client.post(path)).status_code == 200

    preference = await stored(db, bob)
    assert preference is not None
    assert preference.reminders is False
    assert preference.digest_frequency is DigestFrequency.WEEKLY
    async with app.state.portal.sessions() as session:
        assert await preferences.turned_off(session, [bob.id], MailCategory.REMINDER) == {bob.id}
        assert await preferences.turned_off(session, [bob.id], MailCategory.DIGEST) == set()


async def test_an_unknown_or_mangled_link_is_a_swedish_404(
    client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    for token in ("x" * 43, "inte-en-länk", "a" * 300):
        for method in ("GET", "POST"):
            answer = await client.request(method, f"/avregistrera/{token}")
            assert answer.status_code == 404, (method, token)
            assert "Länken gäller inte" in answer.text
    assert await stored(db, bob) is None


async def test_the_preferences_page_saves_choices_and_refuses_nonsense(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona
) -> None:
    assert (await client.get("/installningar/utskick")).status_code in (302, 303, 307, 401)
    await log_in(client, app, bob)
    page = await client.get("/installningar/utskick")
    assert page.status_code == 200
    assert 'value="weekly" checked' in page.text
    assert 'id="f-paminnelser"' in page.text
    token = await csrf_token(client, app)

    refused = await client.post(
        "/installningar/utskick", data={"csrf_token": token, "frekvens": "hourly"}
    )
    assert refused.status_code == 400
    assert "Välj hur ofta du vill få sammanfattningen." in refused.text
    assert_error_links_resolve(refused.text)
    assert await stored(db, bob) is None

    saved = await client.post(
        "/installningar/utskick", data={"csrf_token": token, "frekvens": "daily"}
    )
    assert saved.status_code == 303
    preference = await stored(db, bob)
    assert preference is not None
    assert preference.digest_frequency is DigestFrequency.DAILY
    assert preference.reminders is False  # the box was not ticked
    [event] = await audited(db, AuditAction.MAIL_PREFERENCES_CHANGED)
    assert event.details == {"digest_frequency": "daily", "reminders": False}
    again = await client.get(saved.headers["location"])
    assert "Dina val för utskick är sparade." in again.text
    assert 'value="daily" checked' in again.text

    # Without the CSRF token nothing changes.
    forged = await client.post("/installningar/utskick", data={"frekvens": "none"})
    assert forged.status_code == 403
    preference = await stored(db, bob)
    assert preference is not None
    assert preference.digest_frequency is DigestFrequency.DAILY


async def test_reminders_carry_a_link_that_turns_reminders_off_for_that_person_only(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    first = await schedule(db, app, alice, world.byggen, world.upplev)
    second = await schedule(db, app, alice, world.byggen, world.upplev, day=meeting_day() + DAY)
    await db.execute(sa.delete(OutboxMessage))  # the invitations are tested elsewhere
    await db.commit()
    env = app.state.portal.templates.env

    async def reminders_at(moment: datetime) -> None:
        async with app.state.portal.sessions() as session:
            await reminders.send_due(session, settings=mail_settings, env=env, now=moment)
        await sender.deliver_due(app.state.portal.sessions, mail_settings, now=moment)

    await reminders_at(stockholm(meeting_day(), START) - timedelta(hours=24))
    mails = {m.recipients[0]: m for m in await smtp.wait_for(2)}
    assert set(mails) == {bob.email, world.dave.email}
    link = mails[bob.email].message["List-Unsubscribe"]
    assert link != mails[world.dave.email].message["List-Unsubscribe"]
    assert mails[bob.email].message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert (await client.post(urlsplit(link.strip("<>")).path)).status_code == 200
    [event] = await audited(db, AuditAction.MAIL_UNSUBSCRIBED)
    assert event.details == {"category": "reminder"}

    await reminders_at(stockholm(meeting_day() + DAY, START) - timedelta(hours=24))
    received = await smtp.wait_for(3)
    assert [m.recipients for m in received[2:]] == [(world.dave.email,)]
    assert f"/moten/{second}" in received[2].text
    assert first != second
