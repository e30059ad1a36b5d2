from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.rooms.models import ItemKind, ItemProgress
from tests.deliverables.factories import make_room, organisation_with_progress


@dataclass
class Room:
    id: int
    item_id: int


@pytest.fixture
async def styrel_room(db: AsyncSession) -> Room:
    room_id, item_id = await make_room(db, "STYREL 2026", ItemKind.STYREL_USERS)
    return Room(room_id, item_id)


@pytest.fixture
async def water_room(db: AsyncSession) -> Room:
    room_id, item_id = await make_room(db, "Nödvattenplan 2026", ItemKind.WATER_NEEDS)
    return Room(room_id, item_id)


@pytest.fixture
async def readiness_room(db: AsyncSession) -> Room:
    room_id, item_id = await make_room(db, "Civilt försvar 2026", ItemKind.READINESS_STATUS)
    return Room(room_id, item_id)


@pytest.fixture
async def byggen(db: AsyncSession, styrel_room: Room) -> ItemProgress:
    """AB Botkyrkabyggen's part of the STYREL item."""
    return await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
