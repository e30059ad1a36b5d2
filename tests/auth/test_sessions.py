"""Server-side sessions: opaque cookie, idle and absolute limits, dead when the person is."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import LoginSession, Person
from partner_portal.jobs import housekeeping
from partner_portal.platform import clock, links
from partner_portal.platform.settings import Settings
from tests.helpers import Persona, log_in


async def logged_in(client: httpx.AsyncClient) -> bool:
    return "Logga ut" in (await client.get("/")).text


async def remaining_sessions(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(sa.select(sa.func.count()).select_from(LoginSession)) or 0)


async def test_the_cookie_holds_only_an_opaque_token_whose_hash_is_stored(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    token = await log_in(client, app, alice)

    stored = await db.scalar(sa.select(col(LoginSession.token_hash)))

    assert len(token) >= 40
    assert stored == links.digest(token)
    assert stored != token


async def test_an_idle_session_ends(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, settings: Settings
) -> None:
    await log_in(client, app, alice)
    idle = clock.now() - timedelta(minutes=settings.session_idle_minutes + 1)
    await db.execute(sa.update(LoginSession).values(last_seen_at=idle))
    await db.commit()

    assert not await logged_in(client)
    assert await remaining_sessions(db) == 0


async def test_activity_keeps_a_session_alive(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, settings: Settings
) -> None:
    await log_in(client, app, alice)
    almost_idle = clock.now() - timedelta(minutes=settings.session_idle_minutes - 1)
    await db.execute(sa.update(LoginSession).values(last_seen_at=almost_idle))
    await db.commit()

    assert await logged_in(client)
    await db.rollback()
    seen = await db.scalar(sa.select(col(LoginSession.last_seen_at)))
    assert seen is not None
    assert clock.now() - seen < timedelta(seconds=30)


async def test_a_session_ends_at_its_absolute_lifetime_despite_activity(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)
    await db.execute(sa.update(LoginSession).values(expires_at=clock.now() - timedelta(seconds=1)))
    await db.commit()

    assert not await logged_in(client)


async def test_a_new_session_lives_as_long_as_configured(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, settings: Settings
) -> None:
    await log_in(client, app, alice)

    row = (
        await db.execute(sa.select(col(LoginSession.created_at), col(LoginSession.expires_at)))
    ).one()

    assert row.expires_at - row.created_at == timedelta(hours=settings.session_max_hours)


async def test_deactivating_a_person_ends_their_sessions(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)
    await db.execute(sa.update(Person).values(is_active=False))
    await db.commit()

    assert not await logged_in(client)
    assert await remaining_sessions(db) == 0


async def test_a_made_up_or_oversized_cookie_is_just_anonymous(
    client: httpx.AsyncClient,
) -> None:
    for value in (b"nonsense", b"x" * 5000, "ä-ö".encode(), b'"unterminated'):
        response = await client.get("/", headers=[(b"cookie", b"pp_session=" + value)])
        assert response.status_code == 200
        assert "Logga in" in response.text


async def test_housekeeping_removes_expired_sessions_only(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    settings: Settings,
) -> None:
    await log_in(client, app, alice)
    await log_in(client, app, bob)
    await db.execute(
        sa.update(LoginSession)
        .where(col(LoginSession.person_id) == alice.id)
        .values(expires_at=clock.now() - timedelta(minutes=1))
    )
    await db.commit()

    await housekeeping(db, settings)

    await db.rollback()
    owners = list(await db.scalars(sa.select(col(LoginSession.person_id))))
    assert owners == [bob.id]
