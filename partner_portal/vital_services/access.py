"""Who may see and keep a register entry, and the route table's loader for ``{service_id}``.

The people who act for the entry's organisation see and keep it; a coordinator sees every entry
(for the cross-checks) but keeping it is the organisation's. Anyone else: not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import NotFound
from partner_portal.vital_services import queries
from partner_portal.vital_services.queries import EntryRow
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class EntryAccess:
    entry: EntryRow
    may_keep: bool  # acts for the entry's organisation


async def entry_for(db: AsyncSession, person: CurrentPerson, service_id: int) -> EntryAccess:
    entry = await queries.entry(db, service_id)
    if entry is None:
        raise NotFound()
    keeps = await queries.acts_for(db, person.id, entry.organisation_id)
    if not keeps and not person.is_coordinator:
        raise NotFound()
    return EntryAccess(entry, keeps)


async def entry(ctx: Ctx) -> EntryAccess:
    """The loader for ``{service_id}``: :func:`entry_for`."""
    return await entry_for(ctx.db, ctx.me, ctx.path_id("service_id"))
