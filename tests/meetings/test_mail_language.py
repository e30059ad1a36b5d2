"""Meeting mail in each reader's language — subject, text and HTML, and the meeting's time in
words — whatever language the person who caused it reads. Read from the SMTP catcher."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.mail import sender
from partner_portal.meetings import reminders
from partner_portal.platform import i18n
from partner_portal.platform.settings import Settings, replace
from tests.helpers import Persona
from tests.meetings.conftest import World
from tests.meetings.factories import START, full_date, meeting_day, schedule, stockholm
from tests.meetings.test_reminders import clear_outbox
from tests.smtp import ReceivedMail, running_smtp

TITLE = "Samverkansmöte nödvatten"  # the factories' meeting: what people wrote stays as written
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def english_full_date(day: date) -> str:
    """How the portal writes a date with its weekday in English: "Monday, 21 December 2026"."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


async def reads(db: AsyncSession, persona: Persona, language: str) -> None:
    await db.execute(
        sa.update(Person).where(col(Person.id) == persona.id).values(language=language)
    )
    await db.commit()


async def delivered(app: Starlette, count: int) -> dict[str, ReceivedMail]:
    """Deliver the outbox to a real SMTP server on loopback: each recipient's mail."""
    settings: Settings = app.state.portal.settings
    with running_smtp() as smtp:
        mail_settings = replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)
        await sender.deliver_due(app.state.portal.sessions, mail_settings)
        mails = await smtp.wait_for(count)
    return {m.recipients[0]: m for m in mails}


async def test_each_reader_gets_the_reminder_in_their_language(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    day = meeting_day()
    await reads(db, bob, "en")
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)
    await clear_outbox(db)

    async with app.state.portal.sessions() as session:
        with i18n.speaking("sv"):  # whatever the job runs in, each reader gets their own
            sent = await reminders.send_due(
                session,
                settings=app.state.portal.settings,
                env=app.state.portal.templates.env,
                now=stockholm(day, START) - timedelta(hours=24),
            )
    assert sent.meetings == 1
    mails = await delivered(app, 2)

    english, swedish = mails[bob.email], mails[world.dave.email]
    assert english.subject == f"Reminder: {TITLE}, {english_full_date(day)} 09:00–11:00"
    assert f"Hello {bob.name}," in english.text
    assert f"A reminder of the meeting {TITLE}." in english.text
    assert f"When: {english_full_date(day)} 09:00–11:00" in english.text
    assert "Kind regards" in english.text
    assert '<html lang="en">' in english.html
    assert f"A reminder of the meeting <strong>{TITLE}</strong>." in english.html
    assert f"/moten/{meeting_id}" in english.text
    for swedish_word in ("Påminnelse", "Hej", "När:", "hälsning", full_date(day)):
        assert swedish_word not in english.subject + english.text + english.html

    assert swedish.subject == f"Påminnelse: {TITLE}, {full_date(day)} 09:00–11:00"
    assert f"Hej {world.dave.name}!" in swedish.text
    assert f"När: {full_date(day)} 09:00–11:00" in swedish.text
    assert '<html lang="sv">' in swedish.html
    assert f"Påminnelse om mötet <strong>{TITLE}</strong>." in swedish.html
    assert "Reminder" not in swedish.subject + swedish.text + swedish.html


async def test_the_invitation_follows_the_reader_not_the_coordinator(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    day = meeting_day()
    await reads(db, world.dave, "en")
    await clear_outbox(db)

    with i18n.speaking("en"):  # the coordinator reads English; Bob Swedish, Dave English
        await schedule(db, app, alice, world.byggen, world.upplev)
    mails = await delivered(app, 2)

    swedish, english = mails[bob.email], mails[world.dave.email]
    assert swedish.subject == f"Inbjudan: {TITLE}, {full_date(day)} 09:00–11:00"
    assert f"Botkyrka kommun bjuder in dig till mötet {TITLE}." in swedish.text
    assert f"<strong>{TITLE}</strong>" in swedish.html
    assert "Öppna mötet och svara" in swedish.html
    assert english.subject == f"Invitation: {TITLE}, {english_full_date(day)} 09:00–11:00"
    assert f"Botkyrka Municipality invites you to the meeting {TITLE}." in english.text
    assert "Open the meeting and answer" in english.html
    assert "The calendar invitation is attached." in english.text
