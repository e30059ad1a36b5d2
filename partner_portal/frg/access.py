"""Who may see what in FRG.

Volunteer data is seen by the volunteer themself, by the leads of their FRG organisation (its
admins) and by coordinators — by nobody else: partner organisations, and members of the FRG
organisation who are not its leads, get 404 on every FRG lead page.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.errors import NotFound
from partner_portal.frg.queries import callouts as callout_queries
from partner_portal.frg.queries import members
from partner_portal.frg.queries.callouts import CalloutRow
from partner_portal.frg.queries.members import GroupRow, VolunteerRow


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
