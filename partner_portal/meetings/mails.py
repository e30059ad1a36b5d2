"""Who gets a meeting's or an action's mail, each with the language they read (the mail itself
goes through the mail facade, inside the caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.mail import facade as mail
from partner_portal.organisations.acting import acting_for
from partner_portal.organisations.models import Membership, MembershipRole, Organisation
from partner_portal.platform import i18n


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    name: str
    email: str
    organisation_id: int
    language: str

    @property
    def to(self) -> mail.Recipient:
        return mail.Recipient(self.email, self.language)


async def people_of(
    db: AsyncSession, organisation_ids: Iterable[int], *, admins_only: bool = False
) -> list[Recipient]:
    """Active people (with an address) acting for active organisations; each person once."""
    ids = list(organisation_ids)
    if not ids:
        return []
    query = (
        sa.select(
            col(Person.id),
            col(Person.name),
            col(Person.email),
            col(Membership.organisation_id),
            col(Person.language),
        )
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .where(
            col(Membership.organisation_id).in_(ids),
            acting_for(),
            col(Person.is_active).is_(True),
            col(Person.email).is_not(None),
        )
        .order_by(col(Organisation.sort_key), col(Person.id))
    )
    if admins_only:
        query = query.where(col(Membership.role) == MembershipRole.ADMIN)
    seen: dict[int, Recipient] = {}
    for row in await db.execute(query):
        if row.id not in seen and row.email:
            seen[row.id] = Recipient(
                row.id, row.name, row.email, row.organisation_id, i18n.supported(row.language)
            )
    return list(seen.values())
