"""Who gets a meeting's or an action's mail, and writing it to the outbox (always in Swedish,
like the portal's other mail, inside the caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.mail.messages import build
from partner_portal.mail.outbox import enqueue
from partner_portal.organisations.acting import acting_for
from partner_portal.organisations.models import Membership, MembershipRole, Organisation
from partner_portal.platform import i18n


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    name: str
    email: str
    organisation_id: int


async def people_of(
    db: AsyncSession, organisation_ids: Iterable[int], *, admins_only: bool = False
) -> list[Recipient]:
    """Active people (with an address) acting for active organisations; each person once."""
    ids = list(organisation_ids)
    if not ids:
        return []
    query = (
        sa.select(
            col(Person.id), col(Person.name), col(Person.email), col(Membership.organisation_id)
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
            seen[row.id] = Recipient(row.id, row.name, row.email, row.organisation_id)
    return list(seen.values())


def send(
    db: AsyncSession,
    env: Environment,
    template: str,
    to: str,
    context: Mapping[str, Any],
    *,
    related: tuple[str, int],
    calendar: str | None = None,
    calendar_method: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> None:
    language = i18n.current_language.set("sv")
    try:
        message = build(
            env,
            template,
            to,
            context,
            calendar=calendar,
            calendar_method=calendar_method,
            headers=headers,
        )
    finally:
        i18n.current_language.reset(language)
    enqueue(db, message, related=related)
