"""Who may see and manage an organisation, and its invitations.

Everything is loaded through ``organisation_for``: an organisation outside the person's reach
is simply not found (404), on pages, fragments and form posts alike. An invitation is found only
by those who manage its organisation (``invitation_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.organisations import queries
from partner_portal.organisations.models import Invitation, MembershipRole
from partner_portal.organisations.queries import OrganisationRow
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


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


@dataclass(frozen=True, slots=True)
class InvitationAccess:
    """An invitation, for someone who manages its organisation (resending and revoking change
    the invitation itself, so it is the table's row)."""

    invitation: Invitation
    organisation: OrganisationAccess


async def invitation_for(
    db: AsyncSession, person: CurrentPerson, invitation_id: int
) -> InvitationAccess:
    """The invitation, if this person manages its organisation; NotFound otherwise (also for
    someone who may see the organisation but not manage it)."""
    invitation = await db.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound()
    access = await organisation_for(db, person, invitation.organisation_id)
    if not access.can_manage:
        raise NotFound()
    return InvitationAccess(invitation, access)


# The route table's loaders (``route(..., load=...)``).


async def organisation(ctx: Ctx) -> OrganisationAccess:
    """The loader for ``{organisation_id}``: :func:`organisation_for`. Whether the person may
    manage it is the view's and the service's to check; a route whose path goes on to a
    membership loads the organisation, and the service checks the membership is in it."""
    return await organisation_for(ctx.db, ctx.me, ctx.path_id("organisation_id"))


async def invitation(ctx: Ctx) -> InvitationAccess:
    """The loader for ``{invitation_id}``: :func:`invitation_for`."""
    return await invitation_for(ctx.db, ctx.me, ctx.path_id("invitation_id"))
