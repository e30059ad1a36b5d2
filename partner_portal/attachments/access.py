"""Who may see a file: everyone in the room sees the room's files; a file belonging to an
organisation's statement is seen by that organisation and the coordinators."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.attachments import queries
from partner_portal.attachments.queries import AttachmentRow
from partner_portal.platform.errors import NotFound
from partner_portal.rooms.access import RoomAccess


def may_see(access: RoomAccess, row: AttachmentRow) -> bool:
    if row.object_type is None or access.is_coordinator:
        return True
    return row.organisation_id is not None and row.organisation_id in access.my_organisations


async def file_for(db: AsyncSession, access: RoomAccess, attachment_id: int) -> AttachmentRow:
    """The file with content, as this person may see it, or NotFound."""
    row = await queries.attachment_in_room(db, access.room.id, attachment_id)
    if row is None or not row.has_content or not may_see(access, row):
        raise NotFound()
    return row
