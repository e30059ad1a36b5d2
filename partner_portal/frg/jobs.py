"""FRG's background job: volunteers are asked to confirm their availability
(partner_portal/frg/availability.py; the registry is partner_portal/platform/schedule.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.frg.availability import send_availability_mails
from partner_portal.platform.schedule import Done, Job, JobContext


async def _ask_for_availability(db: AsyncSession, ctx: JobContext) -> Done:
    asked = await send_availability_mails(db, settings=ctx.settings, env=ctx.mail)
    return Done(asked, f"FRG volunteers asked to confirm their availability: {asked}")


AVAILABILITY_REQUESTS = Job("frg-availability", _ask_for_availability)
