"""Forums' background job: agreement revision reminders that are due, each sent once
(partner_portal/forums/reminders.py; the registry is partner_portal/platform/schedule.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.forums import reminders
from partner_portal.platform.schedule import Done, Job, JobContext


async def _send_reminders(db: AsyncSession, ctx: JobContext) -> Done:
    sent = await reminders.send_due(db, settings=ctx.settings, env=ctx.mail, now=ctx.now)
    return Done(sent, f"agreement revisions: {sent} reminded")


REVISION_REMINDERS = Job("agreement-revisions", _send_reminders)
