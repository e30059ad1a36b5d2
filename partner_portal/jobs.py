"""Background work: run in-process by `serve`/`dev`, or on its own by `partner-portal worker`."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from partner_portal.auth import sessions
from partner_portal.auth.models import LoginAttempt
from partner_portal.auth.service import LOGIN_ATTEMPT_MAX_AGE
from partner_portal.db import utcnow
from partner_portal.settings import Settings

log = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL = timedelta(minutes=5)


async def housekeeping(db: AsyncSession, settings: Settings) -> None:
    """Delete expired login sessions and abandoned login attempts. Commits."""
    ended = await sessions.purge_expired(db, settings)
    cutoff = utcnow() - LOGIN_ATTEMPT_MAX_AGE
    await db.execute(sa.delete(LoginAttempt).where(col(LoginAttempt.created_at) < cutoff))
    await db.commit()
    if ended:
        log.info("housekeeping: ended %d expired sessions", ended)


async def run_forever(
    sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The worker loop; each round is independent, so a failed round is retried next time."""
    while True:
        try:
            async with sessions_factory() as db:
                await housekeeping(db, settings)
        except Exception:
            log.exception("housekeeping round failed; trying again next round")
        await asyncio.sleep(HOUSEKEEPING_INTERVAL.total_seconds())
