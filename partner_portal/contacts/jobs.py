"""The directory's background job: every six months each organisation is asked, once, to
confirm its entry (partner_portal/contacts/service.py; the registry is
partner_portal/platform/schedule.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.contacts.service import ask_for_confirmation
from partner_portal.platform.schedule import Done, Job, JobContext


async def _ask(db: AsyncSession, ctx: JobContext) -> Done:
    asked = await ask_for_confirmation(db, settings=ctx.settings, env=ctx.mail, now=ctx.now)
    return Done(asked, f"Organisations asked to confirm their crisis contacts: {asked}")


CONFIRMATION_REQUESTS = Job("contacts-confirmation", _ask)
