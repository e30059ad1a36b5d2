"""Which portal-wide role grant a coordinator acts on.

Only coordinators manage roles (the routes' policy; auth.roles checks it again). The grant the
path names must exist (404 otherwise).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.models import RoleGrant
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


async def role_grant_for(db: AsyncSession, actor: CurrentPerson, grant_id: int) -> RoleGrant:
    """The grant, for a coordinator; NotFound for anyone else or an unknown grant. The row
    stays in the session, so auth.roles finds it there without reading it again."""
    if not actor.is_coordinator:
        raise NotFound()
    found = await db.get(RoleGrant, grant_id)
    if found is None:
        raise NotFound()
    return found


async def role_grant(ctx: Ctx) -> RoleGrant:
    """The route table's loader for ``{grant_id}``: :func:`role_grant_for`."""
    return await role_grant_for(ctx.db, ctx.me, ctx.path_id("grant_id"))
