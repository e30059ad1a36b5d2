"""Reads about people and roles."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.mail.facade import Recipient
from partner_portal.platform import i18n


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


async def languages(db: AsyncSession, addresses: Iterable[str]) -> dict[str, str]:
    """The language each of ``addresses`` is read in: that of the person with the address
    (the latest to log in, should several share it); an address no person has is missing
    from the answer (its mail is Swedish). One query."""
    wanted = sorted({a.strip().lower() for a in addresses if a})
    if not wanted:
        return {}
    rows = await db.execute(
        sa.select(sa.func.lower(col(Person.email)), col(Person.language))
        .where(sa.func.lower(col(Person.email)).in_(wanted), col(Person.is_active).is_(True))
        .order_by(col(Person.last_login_at).asc().nulls_first(), col(Person.id))
    )
    return {address: i18n.supported(language) for address, language in rows}


async def recipients(db: AsyncSession, addresses: Iterable[str]) -> list[Recipient]:
    """Each of ``addresses`` (in the order given) with its reader's language. One query."""
    given = list(addresses)
    found = await languages(db, given)
    return [Recipient(a, found.get(a.strip().lower(), i18n.DEFAULT_LANGUAGE)) for a in given]


async def recipient(db: AsyncSession, address: str) -> Recipient:
    [one] = await recipients(db, [address])
    return one
