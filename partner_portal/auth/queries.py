"""Reads about people and roles."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person, PortalRole, RoleGrant


async def person_by_subject(db: AsyncSession, issuer: str, subject: str) -> Person | None:
    result = await db.scalars(
        sa.select(Person).where(
            col(Person.oidc_issuer) == issuer, col(Person.oidc_subject) == subject
        )
    )
    return result.one_or_none()


async def pending_grants_for_email(db: AsyncSession, email: str) -> list[RoleGrant]:
    result = await db.scalars(
        sa.select(RoleGrant).where(
            col(RoleGrant.email) == email, col(RoleGrant.person_id).is_(None)
        )
    )
    return list(result)


async def verified_people_with_email(db: AsyncSession, email: str) -> list[int]:
    result = await db.scalars(
        sa.select(col(Person.id)).where(
            col(Person.email) == email, col(Person.email_verified).is_(True)
        )
    )
    return [pid for pid in result if pid is not None]


async def role_holders(db: AsyncSession, role: PortalRole, person_ids: list[int]) -> set[int]:
    result = await db.scalars(
        sa.select(col(RoleGrant.person_id)).where(
            col(RoleGrant.role) == role, col(RoleGrant.person_id).in_(person_ids)
        )
    )
    return {pid for pid in result if pid is not None}
