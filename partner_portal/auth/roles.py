"""Portal-wide roles (coordinator, follow-up reader): who has them, granting and revoking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.auth.service import grant_role_by_email
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _


@dataclass(frozen=True, slots=True)
class RoleHolder:
    grant_id: int
    role: PortalRole
    person_name: str | None  # None: waiting for someone to log in with the email
    email: str | None
    granted_at: datetime


async def holders(db: AsyncSession) -> list[RoleHolder]:
    """Every grant, by role and name; one query."""
    rows: Any = await db.execute(
        sa.select(
            col(RoleGrant.id).label("grant_id"),
            col(RoleGrant.role),
            col(Person.name).label("person_name"),
            sa.func.coalesce(col(Person.email), col(RoleGrant.email)).label("email"),
            col(RoleGrant.granted_at),
        )
        .outerjoin(Person, col(Person.id) == col(RoleGrant.person_id))
        .order_by(col(RoleGrant.role), col(Person.name), col(RoleGrant.email))
    )
    return [RoleHolder(**row._mapping) for row in rows]


async def grant(db: AsyncSession, *, actor: CurrentPerson, role: PortalRole, email: str) -> None:
    """Grant ``role`` to the person with this verified email, or to whoever first logs in with
    it. Side effects: see :func:`grant_role_by_email`; commits."""
    if not actor.is_coordinator:
        raise NotFound()
    taken = await db.scalar(
        sa.select(col(RoleGrant.id)).where(
            col(RoleGrant.role) == role, col(RoleGrant.email) == email
        )
    )
    if taken is not None:
        raise Invalid({"email": _("Den adressen har redan den rollen.")})
    await grant_role_by_email(db, role, email, actor_id=actor.id)


async def revoke(db: AsyncSession, *, actor: CurrentPerson, grant_id: int) -> None:
    """Take a portal role back. The last coordinator cannot be removed (someone must be able to
    run the portal). Side effects: the grant is deleted, ``role_revoked`` audited. Commits."""
    if not actor.is_coordinator:
        raise NotFound()
    role_grant = await db.get(RoleGrant, grant_id)
    if role_grant is None:
        raise NotFound()
    if role_grant.role is PortalRole.COORDINATOR and role_grant.person_id is not None:
        others = await db.scalar(
            sa.select(sa.func.count()).where(
                col(RoleGrant.role) == PortalRole.COORDINATOR,
                col(RoleGrant.person_id).is_not(None),
                col(RoleGrant.id) != grant_id,
            )
        )
        if not others:
            raise Invalid(
                {"grant": _("Portalen måste ha minst en samordnare. Utse en ny samordnare först.")}
            )
    record(
        db,
        AuditAction.ROLE_REVOKED,
        actor_id=actor.id,
        object_type="person" if role_grant.person_id else None,
        object_id=role_grant.person_id,
        role=role_grant.role.value,
        email=role_grant.email,
    )
    await db.delete(role_grant)
    await db.commit()
