"""Who may see and manage an organisation.

Everything is loaded through ``organisation_for``: an organisation outside the person's reach
is simply not found (404), on pages, fragments and form posts alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.errors import NotFound
from partner_portal.organisations import queries
from partner_portal.organisations.models import MembershipRole
from partner_portal.organisations.queries import OrganisationRow


@dataclass(frozen=True, slots=True)
class OrganisationAccess:
    organisation: OrganisationRow
    my_role: MembershipRole | None
    is_coordinator: bool

    @property
    def can_manage(self) -> bool:
        """Invite, change roles, revoke: the coordinator, or the organisation's own admin."""
        return self.is_coordinator or self.my_role is MembershipRole.ADMIN


async def organisation_for(
    db: AsyncSession, person: CurrentPerson, organisation_id: int
) -> OrganisationAccess:
    """The organisation as this person may see it, or NotFound.

    Coordinators see every organisation, also deactivated ones; anyone else only the active
    organisations they act for.
    """
    organisation = await queries.organisation(db, organisation_id)
    if organisation is None:
        raise NotFound()
    roles = await queries.active_roles(db, person.id)
    if not person.is_coordinator and (organisation_id not in roles or not organisation.is_active):
        raise NotFound()
    return OrganisationAccess(organisation, roles.get(organisation_id), person.is_coordinator)
