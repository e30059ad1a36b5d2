"""The coordinator reads the audit log, filtered by organisation and period."""

from __future__ import annotations

from datetime import datetime

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.clock import TIMEZONE
from tests.helpers import Persona, log_in
from tests.organisations.factories import make_organisation


async def add_event(
    db: AsyncSession, action: AuditAction, at: datetime, organisation_id: int | None
) -> None:
    await db.execute(
        sa.insert(AuditEvent).values(
            action=action, occurred_at=at, organisation_id=organisation_id, details={"n": 1}
        )
    )
    await db.commit()


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=TIMEZONE)


async def test_the_log_filters_by_organisation_and_period_in_swedish_time(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await add_event(db, AuditAction.INVITATION_SENT, local(1, 23), byggen)  # 22:00 UTC
    await add_event(db, AuditAction.INVITATION_ACCEPTED, local(2, 0), byggen)  # 23:00 UTC day 1
    await add_event(db, AuditAction.INVITATION_REVOKED, local(3, 9), byggen)
    await add_event(db, AuditAction.ORGANISATION_CREATED, local(2, 10), upplev)
    await log_in(client, app, alice)

    page = (
        await client.get(
            "/logg",
            params={"organisation": str(byggen), "fran": "2026-03-02", "till": "2026-03-02"},
        )
    ).text

    assert "Inbjudan accepterad" in page
    assert "Inbjudan skickad" not in page  # 1 March, Swedish time
    assert "Inbjudan återkallad" not in page
    assert "Organisation registrerad" not in page


async def test_a_malformed_date_is_ignored_with_a_message(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.get("/logg", params={"fran": "igår", "organisation": "x"})

    assert response.status_code == 200
    assert "Ett datum kunde inte tolkas" in response.text


async def test_the_log_pages_backwards(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    for day in range(1, 29):
        for hour in range(4):
            await add_event(db, AuditAction.ORGANISATION_UPDATED, local(day, 8 + hour), None)
    await log_in(client, app, alice)

    first = (await client.get("/logg")).text
    second = (await client.get("/logg", params={"sida": "2"})).text

    assert "Äldre händelser" in first
    assert "Nyare händelser" in second
    assert first.count("Organisation ändrad") == 100
