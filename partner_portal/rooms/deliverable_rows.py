"""Which structured rows an item page shows, by the item's kind."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.deliverables import queries
from partner_portal.rooms.models import ItemKind


async def rows_for(db: AsyncSession, kind: ItemKind, progress_id: int | None) -> Any:
    """The deliverable's rows (a list, or the one readiness status); empty before any work."""
    if kind is ItemKind.STYREL_USERS:
        return await queries.styrel_users(db, progress_id) if progress_id else []
    if kind is ItemKind.WATER_NEEDS:
        return await queries.water_needs(db, progress_id) if progress_id else []
    if kind is ItemKind.READINESS_STATUS:
        return await queries.readiness(db, progress_id) if progress_id else None
    return None


async def has_content(db: AsyncSession, kind: ItemKind, progress_id: int | None) -> bool:
    rows = await rows_for(db, kind, progress_id)
    return bool(rows)
