"""Rules for the organisation register and memberships. Each function owns its transaction."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth import sessions
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.organisations.access import OrganisationAccess
from partner_portal.organisations.acting import current_membership
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform import clock
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.text import swedish_sort_key


@dataclass(frozen=True, slots=True)
class OrganisationInput:
    name: str
    kind: OrganisationKind
    org_number: str | None
    parent_id: int | None
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class MembershipInput:
    role: MembershipRole
    is_deputy: bool


def _require_coordinator(actor: CurrentPerson) -> None:
    if not actor.is_coordinator:
        raise NotFound()


async def _check_unique(
    db: AsyncSession, data: OrganisationInput, *, own_id: int | None = None
) -> None:
    errors: dict[str, str] = {}
    same_name = sa.select(col(Organisation.id)).where(
        col(Organisation.name_key) == data.name.lower()
    )
    if own_id is not None:
        same_name = same_name.where(col(Organisation.id) != own_id)
    if await db.scalar(same_name) is not None:
        errors["name"] = _("Det finns redan en organisation med det namnet.")
    if data.org_number:
        same_number = sa.select(col(Organisation.id)).where(
            col(Organisation.org_number) == data.org_number
        )
        if own_id is not None:
            same_number = same_number.where(col(Organisation.id) != own_id)
        if await db.scalar(same_number) is not None:
            errors["org_number"] = _("Det finns redan en organisation med det organisationsnumret.")
    if data.parent_id is not None:
        if data.parent_id == own_id:
            errors["parent_id"] = _("En organisation kan inte vara sin egen moderorganisation.")
        elif await db.get(Organisation, data.parent_id) is None:
            errors["parent_id"] = _("Välj en moderorganisation i listan.")
        elif own_id is not None and await _is_descendant(db, data.parent_id, own_id):
            errors["parent_id"] = _(
                "Moderorganisationen kan inte vara en av organisationens egna dotterorganisationer."
            )
    if errors:
        raise Invalid(errors)


async def _is_descendant(db: AsyncSession, candidate: int, ancestor: int) -> bool:
    """Walk up from ``candidate``; the register is small and shallow (bolag under kommunen)."""
    seen: set[int] = set()
    current: int | None = candidate
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = await db.scalar(
            sa.select(col(Organisation.parent_id)).where(col(Organisation.id) == current)
        )
    return False


def _apply(organisation: Organisation, data: OrganisationInput) -> None:
    organisation.name = data.name
    organisation.name_key = data.name.lower()
    organisation.sort_key = swedish_sort_key(data.name)
    organisation.kind = data.kind
    organisation.org_number = data.org_number
    organisation.parent_id = data.parent_id
    organisation.contact_email = data.contact_email


async def create_organisation(
    db: AsyncSession, *, actor: CurrentPerson, data: OrganisationInput
) -> int:
    """Register an organisation. Side effects: the row and an ``organisation_created`` audit
    event. Commits. Raises Invalid for a taken name or number, or an unknown parent."""
    _require_coordinator(actor)
    await _check_unique(db, data)
    organisation = Organisation(name="", name_key="", sort_key="", kind=data.kind)
    _apply(organisation, data)
    db.add(organisation)
    await _flush_or_form_error(db)
    assert organisation.id is not None
    record(
        db,
        AuditAction.ORGANISATION_CREATED,
        actor_id=actor.id,
        object_type="organisation",
        object_id=organisation.id,
        organisation_id=organisation.id,
        name=data.name,
    )
    await db.commit()
    return organisation.id


async def update_organisation(
    db: AsyncSession, *, actor: CurrentPerson, organisation_id: int, data: OrganisationInput
) -> None:
    """Change the register entry. Side effects: the row, an ``organisation_updated`` audit
    event with what changed. Commits."""
    _require_coordinator(actor)
    organisation = await db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    await _check_unique(db, data, own_id=organisation_id)
    before = {
        "name": organisation.name,
        "kind": str(organisation.kind),
        "org_number": organisation.org_number,
        "parent_id": organisation.parent_id,
        "contact_email": organisation.contact_email,
    }
    _apply(organisation, data)
    after = {
        "name": organisation.name,
        "kind": str(organisation.kind),
        "org_number": organisation.org_number,
        "parent_id": organisation.parent_id,
        "contact_email": organisation.contact_email,
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    await _flush_or_form_error(db)
    if changed:
        record(
            db,
            AuditAction.ORGANISATION_UPDATED,
            actor_id=actor.id,
            object_type="organisation",
            object_id=organisation_id,
            organisation_id=organisation_id,
            changed=changed,
        )
    await db.commit()


async def set_active(
    db: AsyncSession, *, actor: CurrentPerson, organisation_id: int, active: bool
) -> None:
    """Deactivate or reactivate. Deactivating ends the login sessions of its people, so access
    through it stops at once (they log in again for their other organisations). Audited.
    Commits."""
    _require_coordinator(actor)
    organisation = await db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    if organisation.is_active == active:
        return
    organisation.is_active = active
    organisation.deactivated_at = None if active else clock.now()
    if not active:
        people = await db.scalars(
            sa.select(col(Membership.person_id)).where(
                col(Membership.organisation_id) == organisation_id, current_membership()
            )
        )
        for person_id in set(people):
            await sessions.end_all_for(db, person_id)
    record(
        db,
        AuditAction.ORGANISATION_REACTIVATED if active else AuditAction.ORGANISATION_DEACTIVATED,
        actor_id=actor.id,
        object_type="organisation",
        object_id=organisation_id,
        organisation_id=organisation_id,
    )
    await db.commit()


async def _flush_or_form_error(db: AsyncSession) -> None:
    """Two coordinators saving the same name at once: the unique index decides, politely."""
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        raise Invalid(
            {"name": _("Det finns redan en organisation med det namnet eller numret.")}
        ) from exc


async def _membership_in(
    db: AsyncSession, access: OrganisationAccess, membership_id: int
) -> Membership:
    membership = await db.get(Membership, membership_id)
    if (
        membership is None
        or membership.organisation_id != access.organisation.id
        or membership.ended_at is not None
    ):
        raise NotFound()
    return membership


async def change_membership(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: OrganisationAccess,
    membership_id: int,
    data: MembershipInput,
) -> None:
    """Set a member's role and whether they are deputy. The coordinator or the organisation's
    admin may. Side effects: the membership, a ``membership_changed`` audit event. Commits."""
    if not access.can_manage:
        raise Forbidden()
    membership = await _membership_in(db, access, membership_id)
    if (membership.role, membership.is_deputy) == (data.role, data.is_deputy):
        return
    before = {"role": str(membership.role), "is_deputy": membership.is_deputy}
    membership.role = data.role
    membership.is_deputy = data.is_deputy
    record(
        db,
        AuditAction.MEMBERSHIP_CHANGED,
        actor_id=actor.id,
        object_type="person",
        object_id=membership.person_id,
        organisation_id=access.organisation.id,
        before=before,
        after={"role": str(data.role), "is_deputy": data.is_deputy},
    )
    await db.commit()


async def end_membership(
    db: AsyncSession, *, actor: CurrentPerson, access: OrganisationAccess, membership_id: int
) -> None:
    """The person no longer acts for the organisation (the row is kept, with ``ended_at``).
    Side effects: a ``membership_ended`` audit event. Commits."""
    if not access.can_manage:
        raise Forbidden()
    membership = await _membership_in(db, access, membership_id)
    membership.ended_at = clock.now()
    record(
        db,
        AuditAction.MEMBERSHIP_ENDED,
        actor_id=actor.id,
        object_type="person",
        object_id=membership.person_id,
        organisation_id=access.organisation.id,
        role=str(membership.role),
    )
    await db.commit()


async def add_membership(
    db: AsyncSession,
    *,
    person_id: int,
    organisation_id: int,
    role: MembershipRole,
    actor_id: int | None,
) -> None:
    """Make the person act for the organisation in ``role`` (an existing membership keeps the
    higher of the two roles). Adds audit events; does not commit (part of a larger change)."""
    existing = await db.scalar(
        sa.select(Membership).where(
            col(Membership.person_id) == person_id,
            col(Membership.organisation_id) == organisation_id,
            current_membership(),
        )
    )
    if existing is None:
        db.add(Membership(person_id=person_id, organisation_id=organisation_id, role=role))
        action = AuditAction.MEMBERSHIP_ADDED
    elif existing.role is MembershipRole.MEMBER and role is MembershipRole.ADMIN:
        existing.role = role
        action = AuditAction.MEMBERSHIP_CHANGED
    else:
        return
    record(
        db,
        action,
        actor_id=actor_id,
        object_type="person",
        object_id=person_id,
        organisation_id=organisation_id,
        role=str(role),
    )
