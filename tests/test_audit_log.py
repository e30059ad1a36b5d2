"""The coordinator reads the audit log, filtered by organisation and period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.platform import clock
from partner_portal.platform.clock import TIMEZONE
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


def local(day: date, hour: int) -> datetime:
    """``hour`` o'clock on ``day``, Swedish time."""
    return datetime.combine(day, time(hour), TIMEZONE)


async def test_the_log_filters_by_organisation_and_period_in_swedish_time(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    day = clock.today() - timedelta(days=10)
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    await add_event(db, AuditAction.INVITATION_SENT, local(before, 23), byggen)
    await add_event(
        db, AuditAction.INVITATION_ACCEPTED, local(day, 0), byggen
    )  # the day before in UTC
    await add_event(db, AuditAction.INVITATION_REVOKED, local(after, 9), byggen)
    await add_event(db, AuditAction.ORGANISATION_CREATED, local(day, 10), upplev)
    await log_in(client, app, alice)

    page = (
        await client.get(
            "/logg",
            params={"organisation": str(byggen), "fran": day.isoformat(), "till": day.isoformat()},
        )
    ).text

    assert "Inbjudan accepterad" in page  # the day before in UTC, but this day in Sweden
    assert "Inbjudan skickad" not in page  # the day before, Swedish time
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
    for days_ago in range(1, 29):
        day = clock.today() - timedelta(days=days_ago)
        for hour in range(4):
            await add_event(db, AuditAction.ORGANISATION_UPDATED, local(day, 8 + hour), None)
    await log_in(client, app, alice)

    first = (await client.get("/logg")).text
    second = (await client.get("/logg", params={"sida": "2"})).text

    assert "Äldre händelser" in first
    assert "Nyare händelser" in second
    assert first.count("Organisation ändrad") == 100
