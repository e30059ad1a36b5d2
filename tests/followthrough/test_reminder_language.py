"""A deadline reminder goes to each reader in their own language, its dates included."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.platform.settings import Settings
from tests.followthrough.conftest import World, at, clear_outbox, round_at, set_deadlines
from tests.followthrough.test_reminders import _room
from tests.helpers import Persona
from tests.meetings.factories import days_ahead, long_date
from tests.meetings.test_mail_language import MONTHS
from tests.rooms.factories import accept
from tests.smtp import SmtpServer


async def test_an_english_main_contact_is_reminded_in_english(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await db.execute(sa.update(Person).where(col(Person.id) == bob.id).values(language="en"))
    await db.commit()
    room_id = await _room(db, app, alice, world.byggen)
    await accept(db, bob, room_id, world.byggen)
    deadline = days_ahead(20)
    await set_deadlines(db, room_id, {1: deadline})
    await clear_outbox(db)

    assert await round_at(app, mail_settings, at(deadline - timedelta(days=7), 8)) == (1, 1)
    [mail] = await smtp.wait_for(1)

    english_date = f"{deadline.day} {MONTHS[deadline.month - 1]} {deadline.year}"
    assert mail.recipients == (bob.email,)
    assert mail.subject.startswith("Reminder: Nödvattenplan – ")
    assert english_date in mail.subject
    assert f"Hello {bob.name}," in mail.text
    assert "Kind regards" in mail.text
    assert '<html lang="en">' in mail.html
    assert f"/rum/{room_id}" in mail.text
    for swedish in ("Påminnelse", "Hej", "hälsning", long_date(deadline)):
        assert swedish not in mail.subject + mail.text + mail.html
