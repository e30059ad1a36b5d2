"""Plain factories for organisations and memberships (no surprises, no randomness)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform.text import swedish_sort_key
from tests.helpers import Persona


async def make_organisation(
    db: AsyncSession,
    name: str,
    kind: OrganisationKind = OrganisationKind.KOMMUNALT_BOLAG,
    *,
    org_number: str | None = None,
    active: bool = True,
    parent_id: int | None = None,
) -> int:
    organisation = Organisation(
        name=name,
        name_key=name.lower(),
        sort_key=swedish_sort_key(name),
        kind=kind,
        org_number=org_number,
        is_active=active,
        parent_id=parent_id,
    )
    db.add(organisation)
    await db.commit()
    assert organisation.id is not None
    return organisation.id


async def add_member(
    db: AsyncSession,
    persona: Persona,
    organisation_id: int,
    role: MembershipRole = MembershipRole.MEMBER,
    *,
    deputy: bool = False,
) -> int:
    membership = Membership(
        person_id=persona.id, organisation_id=organisation_id, role=role, is_deputy=deputy
    )
    db.add(membership)
    await db.commit()
    assert membership.id is not None
    return membership.id
