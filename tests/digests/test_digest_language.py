"""A digest is written in its reader's language, the remiss's last day included; the next
reader's in theirs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.platform.settings import Settings
from tests.digests.conftest import (
    World,
    at_seven,
    digest_round,
    next_monday,
    plan_with_version,
    remiss,
)
from tests.helpers import Persona
from tests.meetings.factories import long_date
from tests.meetings.test_mail_language import MONTHS
from tests.smtp import SmtpServer


async def test_an_english_reader_gets_an_english_digest_and_a_swedish_one_a_swedish(
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
    monday = next_monday()
    seven = at_seven(monday)
    deadline = monday + timedelta(days=20)
    plan, _section, version = await plan_with_version(
        db, world.room_byggen, "Nödvattenplan", seven - timedelta(days=2), alice
    )
    await remiss(
        db,
        world.room_byggen,
        plan,
        version,
        world.byggen,
        opened_at=seven - timedelta(days=2),
        deadline=deadline,
        coordinator=alice,
    )
    await plan_with_version(db, world.room_upplev, "Styrelplan", seven - timedelta(days=2), alice)

    await digest_round(app, mail_settings, seven)
    mails = {m.recipients[0]: m for m in await smtp.wait_for(2)}

    english, swedish = mails[bob.email], mails[world.dave.email]
    english_deadline = f"{deadline.day} {MONTHS[deadline.month - 1]} {deadline.year}"
    assert english.subject == "This week's digest from the Partner portal"
    assert f"Hello {bob.name}," in english.text
    assert f"Nödvattenplan, last day {english_deadline}" in english.text
    assert '<html lang="en">' in english.html
    for swedish_word in ("sammanfattning", "Hej", "sista dag", long_date(deadline)):
        assert swedish_word not in english.subject + english.text + english.html
    assert swedish.subject == "Veckans sammanfattning från Partnerportalen"
    assert f"Hej {world.dave.name}!" in swedish.text
    assert '<html lang="sv">' in swedish.html
