"""Who sees a consultation: everyone who sees its room (``rooms.access.room_for``; 404 for
anyone else), and only in that room. What each may do there (answer for an asked organisation,
respond as the municipality) is checked in the service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.consultations import queries
from partner_portal.consultations.queries import ConsultationRow
from partner_portal.platform.errors import NotFound
from partner_portal.rooms.access import RoomAccess, room_for
from partner_portal.web import Ctx

# What a consultation's routes load: the room as this person may see it, and the consultation.
InRoom = tuple[RoomAccess, ConsultationRow]


async def consultation_for(
    db: AsyncSession, access: RoomAccess, consultation_id: int
) -> ConsultationRow:
    """The consultation if it is in the room, or NotFound (the room is already checked)."""
    row = await queries.consultation_in_room(db, access.room.id, consultation_id)
    if row is None:
        raise NotFound()
    return row


async def consultation(ctx: Ctx) -> InRoom:
    """The route table's loader for ``{consultation_id}``: the room, if this person may see it,
    and the consultation in it. Routes on a statement or a comment of the consultation load it;
    the service checks that the statement or comment belongs to it."""
    access = await room_for(ctx.db, ctx.me, ctx.path_id("room_id"))
    return access, await consultation_for(ctx.db, access, ctx.path_id("consultation_id"))
