"""The deadline reminders' background job (partner_portal/followthrough/rules.py says when
each goes; the registry is partner_portal/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.followthrough import service
from partner_portal.platform.schedule import Done, Job, JobContext


async def _send_deadline_reminders(db: AsyncSession, ctx: JobContext) -> Done:
    """Deliverables, remiss statements, room and meeting answers that are due at ``ctx.now``."""
    sent = await service.send_due(db, settings=ctx.settings, env=ctx.mail, now=ctx.now)
    return Done(sent, f"deadline reminders: {sent} organisation reminder(s)")


DEADLINE_REMINDERS = Job("deadline-reminders", _send_deadline_reminders)
