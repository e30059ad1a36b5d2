"""Rooms ask the deliverables feature for an item's rows without importing it: every structured
kind has a reader once the app is loaded, and a kind without one is an error, never "empty"."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.rooms import deliverable_rows
from partner_portal.rooms.models import ItemKind


async def test_every_structured_kind_is_read_by_the_deliverables_feature(db: AsyncSession) -> None:
    assert await deliverable_rows.rows_for(db, ItemKind.CHECKLIST, None) is None
    assert await deliverable_rows.rows_for(db, ItemKind.STYREL_USERS, None) == []
    assert await deliverable_rows.rows_for(db, ItemKind.WATER_NEEDS, None) == []
    assert await deliverable_rows.rows_for(db, ItemKind.READINESS_STATUS, None) is None
    assert await deliverable_rows.has_content(db, ItemKind.STYREL_USERS, None) is False
    for kind in ItemKind:  # a kind added later without a reader fails here, not in a rule
        await deliverable_rows.rows_for(db, kind, None)


async def test_a_structured_kind_nobody_reads_is_an_error_not_an_empty_deliverable(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliverable_rows, "_READERS", {})
    with pytest.raises(LookupError, match="water_needs"):
        await deliverable_rows.has_content(db, ItemKind.WATER_NEEDS, 1)
    assert await deliverable_rows.has_content(db, ItemKind.CHECKLIST, 1) is False
