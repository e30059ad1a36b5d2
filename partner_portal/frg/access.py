"""Who may see what in FRG.

Volunteer data is seen by the volunteer themself, by the leads of their FRG organisation (its
admins) and by coordinators — by nobody else: partner organisations, and members of the FRG
organisation who are not its leads, get 404 on every FRG lead page.

The route table's loaders: ``volunteer`` for the volunteer's own pages (``{FRG}/…``),
``group_lead`` for the lead's pages (``{LEAD}/…``).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.frg.queries import callouts as callout_queries
from partner_portal.frg.queries import members
from partner_portal.frg.queries.callouts import CalloutRow
from partner_portal.frg.queries.members import GroupRow, VolunteerRow
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


async def lead_for(db: AsyncSession, person: CurrentPerson, organisation_id: int) -> GroupRow:
    """The FRG organisation if the person leads it (or coordinates), else NotFound."""
    group = await members.frg_organisation(db, organisation_id)
    if group is None:
        raise NotFound()
    if person.is_coordinator:
        return group
    if not group.is_active or not await members.is_admin(db, person.id, organisation_id):
        raise NotFound()
    return group


async def volunteer_for(
    db: AsyncSession, person: CurrentPerson, organisation_id: int
) -> VolunteerRow:
    """The person's own registration in the FRG organisation, else NotFound."""
    group = await members.frg_organisation(db, organisation_id)
    if group is None or not group.is_active:
        raise NotFound()
    volunteer = await members.volunteer_of(db, person.id, organisation_id)
    if volunteer is None:
        raise NotFound()
    return volunteer


async def callout_for(db: AsyncSession, group: GroupRow, callout_id: int) -> CalloutRow:
    callout = await callout_queries.callout(db, callout_id)
    if callout is None or callout.organisation_id != group.id:
        raise NotFound()
    return callout


async def volunteer(ctx: Ctx) -> VolunteerRow:
    """The route table's loader for the volunteer's pages: the logged-in person's own
    registration in the ``{organisation_id}`` FRG organisation."""
    return await volunteer_for(ctx.db, ctx.me, ctx.path_id("organisation_id"))


async def group_lead(ctx: Ctx) -> GroupRow:
    """The route table's loader for the lead's pages: the ``{organisation_id}`` FRG
    organisation, if this person leads it (or coordinates)."""
    return await lead_for(ctx.db, ctx.me, ctx.path_id("organisation_id"))
