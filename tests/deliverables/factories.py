"""Plain factories for rooms, items and progress rows, inserted directly (no rooms service)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.deliverables.gsrn import gs1_check_digit
from partner_portal.evidence.models import Process
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
)
from tests.organisations.factories import make_organisation

_PROCESS = {
    ItemKind.STYREL_USERS: Process.EL_STYREL,
    ItemKind.WATER_NEEDS: Process.NODVATTEN,
    ItemKind.READINESS_STATUS: Process.HOJD_BEREDSKAP,
    ItemKind.CHECKLIST: Process.NODVATTEN,
}


def gsrn(serial: int) -> str:
    """A valid Swedish GSRN: 735999, eleven digits of ``serial``, the GS1 check digit."""
    body = f"735999{serial:011d}"
    return body + str(gs1_check_digit(body))


async def make_room(db: AsyncSession, name: str, kind: ItemKind) -> tuple[int, int]:
    """A room for this year with one phase (no deadline) and one item of ``kind``: (room id,
    item id)."""
    year = clock.today().year
    room = Room(
        name=name,
        process=_PROCESS[kind],
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
    )
    db.add(room)
    await db.flush()
    assert room.id is not None
    phase = RoomPhase(room_id=room.id, position=1, title="Identifiera och prioritera")
    db.add(phase)
    await db.flush()
    assert phase.id is not None
    item = RoomItem(room_id=room.id, phase_id=phase.id, position=1, title="Underlag", kind=kind)
    db.add(item)
    await db.commit()
    assert item.id is not None
    return room.id, item.id


async def add_item(db: AsyncSession, room_id: int, kind: ItemKind) -> int:
    """Another item in the room's first phase."""
    phase_id = await db.scalar(
        sa.select(col(RoomPhase.id)).where(col(RoomPhase.room_id) == room_id)
    )
    assert phase_id is not None
    item = RoomItem(room_id=room_id, phase_id=phase_id, position=2, title="Mer", kind=kind)
    db.add(item)
    await db.commit()
    assert item.id is not None
    return item.id


async def make_progress(
    db: AsyncSession,
    *,
    room_id: int,
    item_id: int,
    organisation_id: int,
    status: ProgressStatus = ProgressStatus.NOT_STARTED,
    classification: Classification = Classification.INTERNAL,
) -> ItemProgress:
    progress = ItemProgress(
        room_id=room_id,
        item_id=item_id,
        organisation_id=organisation_id,
        status=status,
        classification=classification,
    )
    db.add(progress)
    await db.commit()
    assert progress.id is not None
    return progress


async def organisation_with_progress(
    db: AsyncSession,
    name: str,
    *,
    room_id: int,
    item_id: int,
    status: ProgressStatus = ProgressStatus.NOT_STARTED,
    classification: Classification = Classification.INTERNAL,
) -> ItemProgress:
    organisation_id = await make_organisation(db, name, OrganisationKind.KOMMUNALT_BOLAG)
    return await make_progress(
        db,
        room_id=room_id,
        item_id=item_id,
        organisation_id=organisation_id,
        status=status,
        classification=classification,
    )
