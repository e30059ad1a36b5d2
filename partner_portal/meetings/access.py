"""Who sees a meeting and who acts on it.

A meeting in a planning room is seen by the room's people (its invited and taking-part
organisations) and coordinators; a portal-wide meeting by the people of the organisations
invited to it and coordinators. Everyone else gets 404 on every meeting URL.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.meetings import queries, series_queries
from partner_portal.meetings.models import MeetingOrganisation
from partner_portal.meetings.queries import MeetingRow
from partner_portal.meetings.series_queries import SeriesRow
from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.platform.errors import NotFound
from partner_portal.rooms.access import room_for
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class MeetingAccess:
    meeting: MeetingRow
    is_coordinator: bool
    # The person's own organisations among the invited ones, in Swedish order: they answer
    # for the first.
    my_invited: tuple[int, ...]

    @property
    def may_manage(self) -> bool:
        """Change, cancel, record attendance and minutes: coordinators (the organiser is one)."""
        return self.is_coordinator

    @property
    def may_answer(self) -> bool:
        return bool(self.my_invited) and not self.meeting.cancelled


async def meeting_for(db: AsyncSession, person: CurrentPerson, meeting_id: int) -> MeetingAccess:
    """The meeting as this person may see it, or NotFound."""
    meeting = await queries.meeting(db, meeting_id)
    if meeting is None:
        raise NotFound()
    mine = list(
        await db.scalars(
            sa.select(col(MeetingOrganisation.organisation_id)).where(
                col(MeetingOrganisation.meeting_id) == meeting_id,
                col(MeetingOrganisation.organisation_id).in_(organisation_ids_of(person.id)),
            )
        )
    )
    if not person.is_coordinator:
        if meeting.room_id is not None:
            await room_for(db, person, meeting.room_id)  # NotFound outside the room
        elif not mine:
            raise NotFound()
    invited = [i for i, _name in await queries.invited_organisations(db, meeting_id)]
    return MeetingAccess(
        meeting, person.is_coordinator, tuple(i for i in invited if i in set(mine))
    )


async def meeting(ctx: Ctx) -> MeetingAccess:
    """The route table's loader for ``{meeting_id}``: the meeting, if this person may see it.
    Whether they may manage it (coordinators) is the view's and the service's to check; a route
    whose path goes on to a decision loads the meeting, and the view checks the decision is in
    it."""
    return await meeting_for(ctx.db, ctx.me, ctx.path_id("meeting_id"))


@dataclass(frozen=True, slots=True)
class SeriesAccess:
    series: SeriesRow
    is_coordinator: bool


async def series_for(db: AsyncSession, person: CurrentPerson, series_id: int) -> SeriesAccess:
    """A meeting series as this person may see it (as they may its meetings), or NotFound."""
    found = await series_queries.series(db, series_id)
    if found is None:
        raise NotFound()
    if not person.is_coordinator:
        if found.room_id is not None:
            await room_for(db, person, found.room_id)  # NotFound outside the room
        else:
            invited = {i for i, _name in await series_queries.series_invited(db, series_id)}
            mine = set(await db.scalars(organisation_ids_of(person.id)))
            if not invited & mine:
                raise NotFound()
    return SeriesAccess(found, person.is_coordinator)


async def series(ctx: Ctx) -> SeriesAccess:
    """The route table's loader for ``{series_id}``."""
    return await series_for(ctx.db, ctx.me, ctx.path_id("series_id"))
