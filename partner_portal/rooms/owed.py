"""What organisations still owe in their rooms: the items of open rooms they accepted that are
not yet handed in, approved or marked not applicable — the start page's list of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.organisations.acting import acting_for
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
)


@dataclass(frozen=True, slots=True)
class OwedRow:
    room_id: int
    room_name: str
    organisation_id: int
    organisation_name: str
    item_id: int
    item_title: str
    phase_title: str
    deadline: date | None
    status: ProgressStatus


_DONE = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED, ProgressStatus.NOT_APPLICABLE)


async def owed_by_person(db: AsyncSession, person_id: int) -> list[OwedRow]:
    """What the person's organisations still owe in open rooms they accepted; one query."""
    rows: Any = await db.execute(
        sa.select(
            col(Room.id).label("room_id"),
            col(Room.name).label("room_name"),
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name).label("organisation_name"),
            col(RoomItem.id).label("item_id"),
            col(RoomItem.title).label("item_title"),
            col(RoomPhase.title).label("phase_title"),
            col(RoomPhase.deadline),
            sa.func.coalesce(col(ItemProgress.status), ProgressStatus.NOT_STARTED.value).label(
                "status"
            ),
        )
        .select_from(Membership)
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .join(
            Participation,
            sa.and_(
                col(Participation.organisation_id) == col(Organisation.id),
                col(Participation.status) == ParticipationStatus.ACCEPTED,
            ),
        )
        .join(Room, col(Room.id) == col(Participation.room_id))
        .join(RoomItem, col(RoomItem.room_id) == col(Room.id))
        .join(RoomPhase, col(RoomPhase.id) == col(RoomItem.phase_id))
        .outerjoin(
            ItemProgress,
            sa.and_(
                col(ItemProgress.item_id) == col(RoomItem.id),
                col(ItemProgress.organisation_id) == col(Organisation.id),
            ),
        )
        .where(
            col(Membership.person_id) == person_id,
            acting_for(),
            col(Room.is_closed).is_(False),
            sa.or_(col(ItemProgress.status).is_(None), col(ItemProgress.status).not_in(_DONE)),
        )
        .order_by(col(RoomPhase.deadline).asc().nulls_last(), col(Room.name), col(RoomItem.id))
        .limit(200)
    )
    return [OwedRow(**{**row._mapping, "status": ProgressStatus(row.status)}) for row in rows]
