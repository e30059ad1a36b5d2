"""Opening a consultation asks each organisation's main contacts for a statement by email, in
the same transaction, delivered over real SMTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform.settings import Settings, replace
from tests.consultations.factories import open_deadline
from tests.helpers import Persona
from tests.meetings.factories import long_date
from tests.smtp import SmtpServer, running_smtp


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


async def test_each_asked_organisations_main_contact_gets_the_request(
    app: Starlette,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    charlie: Persona,
    smtp: SmtpServer,
) -> None:
    settings: Settings = replace(
        app.state.portal.settings, smtp_host=smtp.host, smtp_port=smtp.port
    )
    await db.execute(
        sa.delete(OutboxMessage).where(col(OutboxMessage.related_type) != "consultation")
    )
    await db.commit()

    delivered = await sender.deliver_due(app.state.portal.sessions, settings)
    received = await smtp.wait_for(delivered)

    dave = await db.scalar(sa.select(col(Person.email)).where(col(Person.id) == world["dave"]))
    by_address = {mail.recipients[0]: mail for mail in received}
    assert set(by_address) == {bob.email, dave}  # Charlie's organisation was not asked
    to_bob = by_address[bob.email]
    assert to_bob.subject.startswith("Remiss till AB Botkyrkabyggen: ")
    assert f"svara senast {long_date(open_deadline())}" in to_bob.subject
    url = f"{settings.base_url}/rum/{world['room_id']}/remisser/{world['consultation_id']}"
    assert url in to_bob.text
    assert f'href="{url}"' in to_bob.html
    assert "Upplev" not in to_bob.text
