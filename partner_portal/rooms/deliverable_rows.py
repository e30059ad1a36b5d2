"""Which structured rows an item holds, by the item's kind, asked of the feature that keeps them.

Rooms know items and each organisation's progress on them, not the rows a structured item
collects (STYREL users, water needs, the readiness status): partner_portal.deliverables keeps
those and stands on rooms, so rooms never import it. Instead deliverables registers, for each
structured kind, how to read one progress row's rows (see the end of deliverables/queries.py).
The item page shows them; the progress rules ask whether there are any.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.rooms.models import ItemKind

Reader = Callable[[AsyncSession, int], Awaitable[Any]]

_READERS: dict[ItemKind, Reader] = {}


def register(kind: ItemKind, reader: Reader) -> None:
    """How to read the rows of one progress row on an item of ``kind``: a list, or for the
    readiness status the one row or None."""
    _READERS[kind] = reader


def _reader(kind: ItemKind) -> Reader:
    reader = _READERS.get(kind)
    if reader is None:
        # Not "no rows": a rule would then let work be handed in empty. The app registers every
        # kind when it imports its routes; a script must import partner_portal.deliverables.
        raise LookupError(f"no reader registered for {kind.value} rows")
    return reader


async def rows_for(db: AsyncSession, kind: ItemKind, progress_id: int | None) -> Any:
    """The deliverable's rows (a list, or the one readiness status); empty before any work."""
    if kind is ItemKind.CHECKLIST:
        return None
    reader = _reader(kind)
    if not progress_id:
        return None if kind is ItemKind.READINESS_STATUS else []
    return await reader(db, progress_id)


async def has_content(db: AsyncSession, kind: ItemKind, progress_id: int | None) -> bool:
    rows = await rows_for(db, kind, progress_id)
    return bool(rows)
