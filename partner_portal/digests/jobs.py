"""Digests' background job: the day's digests at 07:00 Swedish time, each person's once
(partner_portal/digests/service.py; the registry is partner_portal/platform/schedule.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.digests import service
from partner_portal.platform.schedule import Done, Job, JobContext


async def _send_digests(db: AsyncSession, ctx: JobContext) -> Done:
    sent = await service.send_due(db, settings=ctx.settings, env=ctx.mail, now=ctx.now)
    return Done(sent.mailed, f"digests: {sent.mailed} sent, {sent.empty} empty (not sent)")


DIGESTS = Job("digests", _send_digests)
