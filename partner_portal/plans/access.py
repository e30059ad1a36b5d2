"""Who sees a plan and who comments on it.

A plan is seen by everyone in its room (``rooms.access.room_for``; 404 for anyone else), but
only once a version is published: the draft is the coordinator's. People comment for an
organisation that has accepted to take part (and coordinators, for the municipality) while the
room is open; everyone else in the room reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.plans import queries
from partner_portal.plans.queries import PlanRow
from partner_portal.platform.errors import NotFound
from partner_portal.rooms.access import RoomAccess, access_from
from partner_portal.rooms.models import ParticipationStatus
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class PlanAccess:
    room: RoomAccess
    plan: PlanRow

    @property
    def is_coordinator(self) -> bool:
        return self.room.is_coordinator

    @property
    def may_edit(self) -> bool:
        return self.room.is_coordinator and not self.room.room.is_closed

    def comment_organisations(self) -> list[int]:
        """The organisations this person may comment for: those that accepted, by id."""
        return sorted(
            organisation_id
            for organisation_id, (_role, status) in self.room.my_organisations.items()
            if status is ParticipationStatus.ACCEPTED
        )

    @property
    def may_comment(self) -> bool:
        if self.room.room.is_closed or self.plan.latest_version == 0:
            return False
        return self.room.is_coordinator or bool(self.comment_organisations())


async def plan_for(
    db: AsyncSession, person: CurrentPerson, room_id: int, plan_id: int
) -> PlanAccess:
    """The plan as this person may see it, or NotFound. One query."""
    return _decide(person, await queries.plan_access(db, person.id, room_id, plan_id))


async def plan_page_for(
    db: AsyncSession, person: CurrentPerson, room_id: int, plan_id: int
) -> tuple[PlanAccess, list[queries.VersionRow]]:
    """:func:`plan_for`, and the plan's published versions (newest first), in one query."""
    rows, versions = await queries.plan_access_and_versions(db, person.id, room_id, plan_id)
    return _decide(person, rows), versions


async def plan_section_for(
    db: AsyncSession, person: CurrentPerson, room_id: int, plan_id: int, section_id: int
) -> tuple[PlanAccess, queries.PublishedSection | None]:
    """:func:`plan_for`, and one section as published with its comments, in one query."""
    rows, section = await queries.plan_access_and_section(
        db, person.id, room_id, plan_id, section_id
    )
    return _decide(person, rows), section


async def plan_thread_for(
    db: AsyncSession,
    person: CurrentPerson,
    room_id: int,
    plan_id: int,
    section_id: int,
    parent_id: int | None,
) -> tuple[PlanAccess, queries.PublishedSection | None]:
    """:func:`plan_for`, and one section as published with its count of comments and the thread
    comment ``parent_id`` is in (none for a new thread), in one query."""
    rows, section = await queries.plan_access_and_thread(
        db, person.id, room_id, plan_id, section_id, parent_id
    )
    return _decide(person, rows), section


# The route table's loaders (``route(..., load=...)``): each loads what its path names and checks
# this person's access to it, as the functions above do.


async def plan(ctx: Ctx) -> PlanAccess:
    """The loader for ``{plan_id}``: :func:`plan_for`. Routes whose path goes on to a section or
    a comment load the plan; the view then checks that the rest of the path is in the plan."""
    return await plan_for(ctx.db, ctx.me, ctx.path_id("room_id"), ctx.path_id("plan_id"))


async def plan_page(ctx: Ctx) -> tuple[PlanAccess, list[queries.VersionRow]]:
    """The plan page's loader: :func:`plan_page_for`, access and versions in one query."""
    return await plan_page_for(ctx.db, ctx.me, ctx.path_id("room_id"), ctx.path_id("plan_id"))


async def plan_section(ctx: Ctx) -> tuple[PlanAccess, queries.PublishedSection | None]:
    """The comments fragment's loader: :func:`plan_section_for`, access and the section as
    published with its comments in one query (None: no such section; the view answers 404)."""
    return await plan_section_for(
        ctx.db,
        ctx.me,
        ctx.path_id("room_id"),
        ctx.path_id("plan_id"),
        ctx.path_id("section_id"),
    )


async def plan_comment_thread(ctx: Ctx) -> tuple[PlanAccess, queries.PublishedSection | None]:
    """The comment POST's loader: :func:`plan_thread_for`, access and the section with the thread
    the comment joins — the one the form's ``parent_id`` names (a reply), none for a new thread —
    and its count, in one query. Its answer is that thread alone, so it reads only that: what a
    comment costs does not grow with the section. The form is read already (a small form before
    the login session; any other for the CSRF check); a ``parent_id`` that is no id reads no
    thread, and the view's form check refuses it."""
    parent = (await ctx.request.form()).get("parent_id")
    parent_id = int(parent) if isinstance(parent, str) and _ID.fullmatch(parent) else None
    return await plan_thread_for(
        ctx.db,
        ctx.me,
        ctx.path_id("room_id"),
        ctx.path_id("plan_id"),
        ctx.path_id("section_id"),
        parent_id,
    )


_ID = re.compile(r"[1-9][0-9]{0,11}")


def _decide(person: CurrentPerson, rows: queries.PlanAccessRows) -> PlanAccess:
    """The rule, apart from the query: who may see the room may see its published plans;
    drafts are the coordinators'."""
    room_row, mine, plan = rows
    room = access_from(person, room_row, mine)
    if plan is None or (plan.latest_version == 0 and not room.is_coordinator):
        raise NotFound()
    return PlanAccess(room, plan)
