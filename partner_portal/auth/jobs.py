"""Identity's background job: ended logins are forgotten (the registry is
partner_portal/platform/schedule.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth import sessions
from partner_portal.auth.models import LoginAttempt
from partner_portal.auth.service import LOGIN_ATTEMPT_MAX_AGE
from partner_portal.platform.schedule import Done, Job, JobContext


async def _forget_ended_logins(db: AsyncSession, ctx: JobContext) -> Done:
    """Delete expired login sessions and login attempts abandoned halfway."""
    ended = await sessions.purge_expired(db, ctx.settings)
    cutoff = ctx.now - LOGIN_ATTEMPT_MAX_AGE
    await db.execute(sa.delete(LoginAttempt).where(col(LoginAttempt.created_at) < cutoff))
    await db.commit()
    return Done(ended, f"expired login sessions ended: {ended}")


ENDED_LOGINS = Job("ended-logins", _forget_ended_logins)
