"""Whose removal a coordinator confirms.

Only coordinators confirm removals (the route's policy; privacy.service checks it again). The
person the path names must exist (404 otherwise); whether they have an open request is the
service's rule, answered beside the form (400), not as a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import NotFound
from partner_portal.privacy import queries
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class RemovalSubject:
    """The person a removal is confirmed for."""

    person_id: int


async def removal_subject_for(
    db: AsyncSession, actor: CurrentPerson, person_id: int
) -> RemovalSubject:
    """The person, for a coordinator; NotFound for anyone else or an unknown person. One
    query."""
    if not actor.is_coordinator or not await queries.is_person(db, person_id):
        raise NotFound()
    return RemovalSubject(person_id)


async def removal_subject(ctx: Ctx) -> RemovalSubject:
    """The route table's loader for ``{person_id}`` on the removals: :func:`removal_subject_for`."""
    return await removal_subject_for(ctx.db, ctx.me, ctx.path_id("person_id"))
