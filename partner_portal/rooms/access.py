"""Who sees a room and who acts in it.

Only coordinators and people of organisations invited to (or taking part in) a room see it;
everyone else gets 404 on every room URL, fragments and downloads included.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform.errors import NotFound
from partner_portal.rooms import queries
from partner_portal.rooms.models import ParticipationStatus
from partner_portal.rooms.queries import RoomRow
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class RoomAccess:
    room: RoomRow
    is_coordinator: bool
    # The person's organisations in the room: their role there and the room answer.
    my_organisations: dict[int, tuple[MembershipRole, ParticipationStatus]]

    def may_answer_for(self, organisation_id: int) -> bool:
        """Accept or decline the room invitation: the organisation's main contact."""
        role, _status = self.my_organisations.get(organisation_id, (None, None))
        return role is MembershipRole.ADMIN and not self.room.is_closed

    def may_work_for(self, organisation_id: int) -> bool:
        """Fill in and submit the organisation's deliverables: any of its people, once the
        organisation has accepted, while the room is open."""
        _role, status = self.my_organisations.get(organisation_id, (None, None))
        return status is ParticipationStatus.ACCEPTED and not self.room.is_closed

    def may_see_organisation(self, organisation_id: int) -> bool:
        return self.is_coordinator or organisation_id in self.my_organisations


async def room_for(db: AsyncSession, person: CurrentPerson, room_id: int) -> RoomAccess:
    """The room as this person may see it, or NotFound. One query."""
    room, mine = await queries.room_access(db, person.id, room_id)
    return access_from(person, room, mine)


async def room_page_for(
    db: AsyncSession, person: CurrentPerson, room_id: int
) -> tuple[RoomAccess, list[queries.ParticipantRow]]:
    """:func:`room_for`, and every organisation invited to the room, in one query."""
    room, mine, participants = await queries.room_access_and_participants(db, person.id, room_id)
    return access_from(person, room, mine), participants


async def room(ctx: Ctx) -> RoomAccess:
    """The route table's loader for ``{room_id}``: the room, if this person may see it. Routes
    whose path goes on to something in the room (an item, a phase, a file …) load the room with
    it; the view then checks that the rest of the path is in the room."""
    return await room_for(ctx.db, ctx.me, ctx.path_id("room_id"))


async def room_page(ctx: Ctx) -> tuple[RoomAccess, list[queries.ParticipantRow]]:
    """The room page's loader: :func:`room_page_for`, access and participants in one query."""
    return await room_page_for(ctx.db, ctx.me, ctx.path_id("room_id"))


def access_from(
    person: CurrentPerson,
    room: RoomRow | None,
    mine: dict[int, tuple[MembershipRole, ParticipationStatus]],
) -> RoomAccess:
    """The rule, apart from the query: coordinators and the room's organisations' people."""
    if room is None or (not person.is_coordinator and not mine):
        raise NotFound()
    return RoomAccess(room, person.is_coordinator, mine)
