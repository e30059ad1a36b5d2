"""Who sees a date poll: coordinators and the people of the organisations asked. Everyone else
gets 404 on every poll URL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import NotFound
from partner_portal.polls import queries
from partner_portal.polls.queries import PollRow
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class PollAccess:
    poll: PollRow
    is_coordinator: bool
    # The person's organisations among those asked, in Swedish order: they answer for the first.
    my_invited: tuple[int, ...]


async def poll_for(db: AsyncSession, person: CurrentPerson, poll_id: int) -> PollAccess:
    found = await queries.poll(db, poll_id)
    if found is None:
        raise NotFound()
    mine = tuple(await queries.my_invited(db, poll_id, person.id))
    if not mine and not person.is_coordinator:
        raise NotFound()
    return PollAccess(found, person.is_coordinator, mine)


async def poll(ctx: Ctx) -> PollAccess:
    """The route table's loader for ``{poll_id}``."""
    return await poll_for(ctx.db, ctx.me, ctx.path_id("poll_id"))
