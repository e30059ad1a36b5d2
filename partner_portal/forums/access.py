"""Who sees a forum: as for any room (coordinators and the people of its invited and taking
part organisations), and only a room that is a forum. Everyone else gets 404 on every forum
URL."""

from __future__ import annotations

from partner_portal.evidence.models import Process
from partner_portal.platform.errors import NotFound
from partner_portal.rooms import queries as room_queries
from partner_portal.rooms.access import RoomAccess, room_for, room_page_for
from partner_portal.web import Ctx


def is_forum(access: RoomAccess) -> bool:
    return access.room.process is Process.SAMVERKAN


def _only_forums(access: RoomAccess) -> RoomAccess:
    if not is_forum(access):
        raise NotFound()
    return access


async def forum(ctx: Ctx) -> RoomAccess:
    """The route table's loader for ``/forum/{room_id}/…``: the forum, if this person may see
    it. One query."""
    return _only_forums(await room_for(ctx.db, ctx.me, ctx.path_id("room_id")))


async def forum_page(ctx: Ctx) -> tuple[RoomAccess, list[room_queries.ParticipantRow]]:
    """The forum page's loader: the forum and its invited organisations, in one query."""
    access, participants = await room_page_for(ctx.db, ctx.me, ctx.path_id("room_id"))
    return _only_forums(access), participants
