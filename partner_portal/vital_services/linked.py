"""Where the register is used: the STYREL and water-need rows made from an entry (and which of
their fields now differ from it), and the rooms where an entry can make one.

Reads only, each in a fixed number of statements; the queries layer of the link between the
register and deliverables (which stands below the register and never imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.deliverables.models import ConnectionPoint, StyrelUser, WaterNeed
from partner_portal.platform.errors import NotFound
from partner_portal.rooms.models import (
    ItemKind,
    ItemProgress,
    Participation,
    ParticipationStatus,
    Room,
    RoomItem,
)
from partner_portal.vital_services.models import EntryField, VitalService
from partner_portal.vital_services.queries import EntryRow

LINKABLE = (ItemKind.STYREL_USERS, ItemKind.WATER_NEEDS)


@dataclass(frozen=True, slots=True)
class LinkedRow:
    """A STYREL user or water need made from an entry, and the entry's fields it differs in."""

    kind: ItemKind
    room_id: int
    room_name: str
    organisation_id: int
    item_id: int
    row_id: int
    name: str
    differs: tuple[EntryField, ...]


@dataclass(frozen=True, slots=True)
class Place:
    """A STYREL or water item in a room the organisation takes part in."""

    room_id: int
    room_name: str
    item_id: int
    item_title: str
    kind: ItemKind


def _styrel_differs(entry: EntryRow, row: Any, gsrns: set[str]) -> tuple[EntryField, ...]:
    differs = []
    if row.name != entry.name:
        differs.append(EntryField.NAME)
    if row.address != entry.address:
        differs.append(EntryField.ADDRESS)
    if gsrns != set(entry.gsrns):
        differs.append(EntryField.GSRNS)
    return tuple(differs)


def _water_differs(entry: EntryRow, row: Any) -> tuple[EntryField, ...]:
    differs = []
    if row.site != entry.name:
        differs.append(EntryField.NAME)
    if row.persons != entry.persons_served:
        differs.append(EntryField.PERSONS_SERVED)
    if row.vulnerable != entry.cannot_leave:
        differs.append(EntryField.CANNOT_LEAVE)
    return tuple(differs)


async def linked_rows(db: AsyncSession, entry: EntryRow) -> list[LinkedRow]:
    """The rows made from the entry, in every room (three statements)."""
    styrel: list[Any] = list(
        await db.execute(
            sa.select(
                col(StyrelUser.id),
                col(StyrelUser.name),
                col(StyrelUser.address),
                col(Room.id).label("room_id"),
                col(Room.name).label("room_name"),
                col(ItemProgress.organisation_id),
                col(ItemProgress.item_id),
            )
            .join(ItemProgress, col(ItemProgress.id) == col(StyrelUser.progress_id))
            .join(Room, col(Room.id) == col(StyrelUser.room_id))
            .where(col(StyrelUser.vital_service_id) == entry.id)
            .order_by(col(Room.id), col(StyrelUser.position))
        )
    )
    points: dict[int, set[str]] = {}
    if styrel:
        for user_id, gsrn in await db.execute(
            sa.select(col(ConnectionPoint.user_id), col(ConnectionPoint.gsrn)).where(
                col(ConnectionPoint.user_id).in_([r.id for r in styrel])
            )
        ):
            points.setdefault(user_id, set()).add(gsrn)
    water: Any = await db.execute(
        sa.select(
            col(WaterNeed.id),
            col(WaterNeed.site),
            col(WaterNeed.persons),
            col(WaterNeed.vulnerable),
            col(Room.id).label("room_id"),
            col(Room.name).label("room_name"),
            col(ItemProgress.organisation_id),
            col(ItemProgress.item_id),
        )
        .join(ItemProgress, col(ItemProgress.id) == col(WaterNeed.progress_id))
        .join(Room, col(Room.id) == col(WaterNeed.room_id))
        .where(col(WaterNeed.vital_service_id) == entry.id)
        .order_by(col(Room.id), col(WaterNeed.position))
    )
    rows = [
        LinkedRow(
            ItemKind.STYREL_USERS,
            r.room_id,
            r.room_name,
            r.organisation_id,
            r.item_id,
            r.id,
            r.name,
            () if entry.confidential else _styrel_differs(entry, r, points.get(r.id, set())),
        )
        for r in styrel
    ]
    rows += [
        LinkedRow(
            ItemKind.WATER_NEEDS,
            r.room_id,
            r.room_name,
            r.organisation_id,
            r.item_id,
            r.id,
            r.site,
            () if entry.confidential else _water_differs(entry, r),
        )
        for r in water
    ]
    return rows


async def places(db: AsyncSession, organisation_id: int) -> list[Place]:
    """The STYREL and water items of the open rooms the organisation takes part in."""
    rows: Any = await db.execute(
        sa.select(
            col(Room.id), col(Room.name), col(RoomItem.id), col(RoomItem.title), col(RoomItem.kind)
        )
        .join(RoomItem, col(RoomItem.room_id) == col(Room.id))
        .join(Participation, col(Participation.room_id) == col(Room.id))
        .where(
            col(Participation.organisation_id) == organisation_id,
            col(Participation.status) == ParticipationStatus.ACCEPTED,
            col(Room.is_closed).is_(False),
            col(RoomItem.kind).in_(LINKABLE),
        )
        .order_by(col(Room.id), col(RoomItem.position))
    )
    return [Place(*r) for r in rows]


async def entry_of(db: AsyncSession, service_id: int, organisation_id: int) -> int:
    """The entry, if it is this organisation's; NotFound otherwise (a row is only ever made
    from the register of the organisation it is delivered for)."""
    found = await db.scalar(
        sa.select(col(VitalService.id)).where(
            col(VitalService.id) == service_id,
            col(VitalService.organisation_id) == organisation_id,
        )
    )
    if found is None:
        raise NotFound()
    return int(found)
