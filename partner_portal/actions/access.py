"""Who sees an action and who changes its status.

Seen by coordinators, the people of the owning organisation, and the people of the room (or,
for a portal-wide meeting's action, of the meeting's organisations) it belongs to; everyone
else gets 404. Its status is changed by the owning organisation's people and coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions import queries
from partner_portal.actions.models import Action
from partner_portal.actions.queries import ActionRow
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class ActionAccess:
    action: ActionRow
    is_coordinator: bool
    is_owner: bool

    @property
    def may_update(self) -> bool:
        return self.is_coordinator or self.is_owner


async def action_for(db: AsyncSession, person: CurrentPerson, action_id: int) -> ActionAccess:
    row = await queries.action(db, action_id)
    if row is None:
        raise NotFound()
    is_owner = (
        await db.scalar(
            sa.select(sa.literal(True)).where(
                col(Action.id) == action_id,
                col(Action.organisation_id).in_(organisation_ids_of(person.id)),
            )
        )
    ) is True
    if not person.is_coordinator and not is_owner:
        visible = await db.scalar(
            sa.select(sa.literal(True)).where(
                col(Action.id) == action_id, queries.visible_to(person.id)
            )
        )
        if visible is not True:
            raise NotFound()
    return ActionAccess(row, person.is_coordinator, is_owner)


async def action(ctx: Ctx) -> ActionAccess:
    """The route table's loader for ``{action_id}``: the action, if this person may see it."""
    return await action_for(ctx.db, ctx.me, ctx.path_id("action_id"))
