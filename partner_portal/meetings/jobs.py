"""Meetings' background job: the reminders that are due, each sent once
(partner_portal/meetings/reminders.py; the registry is partner_portal/platform/schedule.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.meetings import reminders
from partner_portal.platform.schedule import Done, Job, JobContext


async def _send_reminders(db: AsyncSession, ctx: JobContext) -> Done:
    """Meeting, late-minutes and overdue-action reminders that are due at ``ctx.now``."""
    sent = await reminders.send_due(db, settings=ctx.settings, env=ctx.mail, now=ctx.now)
    return Done(
        sent.meetings + sent.minutes + sent.actions,
        f"reminders: {sent.meetings} meeting(s), {sent.minutes} late minutes, "
        f"{sent.actions} overdue action(s)",
    )


REMINDERS = Job("reminders", _send_reminders)
