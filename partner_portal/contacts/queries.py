"""Reads of the contact directory: columns, not entities, in a constant number of statements.

Who sees whose contacts is decided here, once (:func:`visible_organisation_ids`): coordinators
see every active organisation; anyone else the organisations they act for and those sharing a
planning room with one of them (invited or taking part, not declined or withdrawn).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.contacts.models import CrisisPerson, OrganisationContact
from partner_portal.organisations.acting import (
    acting_for,
    membership_organisation,
    organisation_ids_of,
)
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform import links
from partner_portal.rooms.models import Participation, ParticipationStatus

# Asked to confirm every six months; older than that, an entry is flagged as stale.
STALE_AFTER = timedelta(days=182)
_IN_ROOM = (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED)


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    organisation_id: int
    name: str
    crisis_role: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One organisation in the directory: its 24/7 path (empty strings when none is entered)."""

    organisation_id: int
    name: str
    kind: OrganisationKind
    duty_phone: str
    mailbox: str
    alternative: str
    confirmed_at: datetime | None
    people: tuple[PersonRow, ...]

    @property
    def entered(self) -> bool:
        return self.confirmed_at is not None

    def stale(self, now: datetime) -> bool:
        return self.confirmed_at is None or self.confirmed_at <= now - STALE_AFTER


def shared_room_organisations(person_id: int) -> Any:
    """Organisations in a room with one the person acts for, as a subquery."""
    mine = sa.select(col(Participation.room_id)).where(
        col(Participation.organisation_id).in_(organisation_ids_of(person_id)),
        col(Participation.status).in_(_IN_ROOM),
    )
    return sa.select(col(Participation.organisation_id)).where(
        col(Participation.room_id).in_(mine), col(Participation.status).in_(_IN_ROOM)
    )


def visible_organisation_ids(person_id: int, *, coordinator: bool) -> sa.ColumnElement[bool]:
    """The condition on ``Organisation`` for the organisations whose contacts a person sees."""
    active = col(Organisation.is_active).is_(True)
    if coordinator:
        return active
    return sa.and_(
        active,
        sa.or_(
            col(Organisation.id).in_(organisation_ids_of(person_id)),
            col(Organisation.id).in_(shared_room_organisations(person_id)),
        ),
    )


async def entries(db: AsyncSession, where: sa.ColumnElement[bool]) -> list[Entry]:
    """Every organisation meeting ``where``, with its path and people: two statements."""
    rows: Any = (
        await db.execute(
            sa.select(
                col(Organisation.id).label("organisation_id"),
                col(Organisation.name),
                col(Organisation.kind),
                col(OrganisationContact.duty_phone),
                col(OrganisationContact.mailbox),
                col(OrganisationContact.alternative),
                col(OrganisationContact.confirmed_at),
            )
            .outerjoin(
                OrganisationContact,
                col(OrganisationContact.organisation_id) == col(Organisation.id),
            )
            .where(where)
            .order_by(col(Organisation.sort_key), col(Organisation.id))
        )
    ).all()
    people = await people_of(db, [row.organisation_id for row in rows])
    return [
        Entry(
            organisation_id=row.organisation_id,
            name=row.name,
            kind=row.kind,
            duty_phone=row.duty_phone or "",
            mailbox=row.mailbox or "",
            alternative=row.alternative or "",
            confirmed_at=row.confirmed_at,
            people=tuple(people.get(row.organisation_id, ())),
        )
        for row in rows
    ]


async def people_of(
    db: AsyncSession, organisation_ids: Collection[int]
) -> dict[int, list[PersonRow]]:
    """The people of these organisations, in their order: one statement (none for none)."""
    if not organisation_ids:
        return {}
    rows = await db.execute(
        sa.select(
            col(CrisisPerson.id),
            col(CrisisPerson.organisation_id),
            col(CrisisPerson.name),
            col(CrisisPerson.crisis_role),
            col(CrisisPerson.phone),
            col(CrisisPerson.email),
        )
        .where(col(CrisisPerson.organisation_id).in_(list(organisation_ids)))
        .order_by(col(CrisisPerson.organisation_id), col(CrisisPerson.position))
    )
    grouped: dict[int, list[PersonRow]] = defaultdict(list)
    for row in rows:
        grouped[row.organisation_id].append(PersonRow(**row._mapping))
    return grouped


async def entry(db: AsyncSession, organisation_id: int) -> Entry | None:
    found = await entries(db, col(Organisation.id) == organisation_id)
    return found[0] if found else None


async def room_entries(db: AsyncSession, room_id: int) -> list[Entry]:
    """The organisations of a room (invited or taking part), for its crisis pack."""
    in_room = sa.select(col(Participation.organisation_id)).where(
        col(Participation.room_id) == room_id, col(Participation.status).in_(_IN_ROOM)
    )
    return await entries(
        db, sa.and_(col(Organisation.is_active).is_(True), col(Organisation.id).in_(in_room))
    )


async def organisation_name(db: AsyncSession, organisation_id: int) -> str | None:
    """An active organisation's name (None for none)."""
    name: str | None = await db.scalar(
        sa.select(col(Organisation.name)).where(
            col(Organisation.id) == organisation_id, col(Organisation.is_active).is_(True)
        )
    )
    return name


async def speaks_for(db: AsyncSession, person_id: int, organisation_id: int) -> bool:
    """Whether the person is the organisation's main contact or deputy (acting for it)."""
    found = await db.scalar(
        sa.select(col(Membership.id))
        .join(Organisation, membership_organisation())
        .where(
            col(Membership.person_id) == person_id,
            col(Membership.organisation_id) == organisation_id,
            acting_for(),
            sa.or_(
                col(Membership.role) == MembershipRole.ADMIN, col(Membership.is_deputy).is_(True)
            ),
        )
        .limit(1)
    )
    return found is not None


async def editable_organisations(db: AsyncSession, person_id: int) -> list[tuple[int, str]]:
    """The organisations whose entry the person keeps (main contact or deputy)."""
    rows = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name), col(Organisation.sort_key))
        .join(Membership, membership_organisation())
        .where(
            col(Membership.person_id) == person_id,
            acting_for(),
            sa.or_(
                col(Membership.role) == MembershipRole.ADMIN, col(Membership.is_deputy).is_(True)
            ),
        )
        .order_by(col(Organisation.sort_key))
        .distinct()
    )
    return [(row.id, row.name) for row in rows]


async def contact_by_token(db: AsyncSession, token: str) -> tuple[int, str, datetime | None] | None:
    """(organisation id, its name, the link's expiry) for a confirmation link's token."""
    row = (
        await db.execute(
            sa.select(
                col(OrganisationContact.organisation_id),
                col(Organisation.name),
                col(OrganisationContact.token_expires_at),
            )
            .join(Organisation, col(Organisation.id) == col(OrganisationContact.organisation_id))
            .where(links.matching(col(OrganisationContact.token_hash), token))
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def due_for_confirmation(
    db: AsyncSession, now: datetime, limit: int
) -> list[tuple[int, str]]:
    """Active organisations whose entry was last confirmed six months ago or more and that
    have not been asked since: (id, name)."""
    rows = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .join(OrganisationContact, col(OrganisationContact.organisation_id) == col(Organisation.id))
        .where(
            col(Organisation.is_active).is_(True),
            col(OrganisationContact.confirmed_at) <= now - STALE_AFTER,
            sa.or_(
                col(OrganisationContact.asked_at).is_(None),
                col(OrganisationContact.asked_at) < col(OrganisationContact.confirmed_at),
            ),
        )
        .order_by(col(Organisation.id))
        .limit(limit)
    )
    return [(row.id, row.name) for row in rows]
