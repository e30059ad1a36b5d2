"""Reads about organisations, their people and invitations: columns, not entities, and a
constant number of queries per page whatever the number of rows."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.mail.addresses import usable_address
from partner_portal.mail.outbox import failing_addresses
from partner_portal.organisations.acting import (
    acting_for,
    current_membership,
    membership_organisation,
)
from partner_portal.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrganisationKind
    org_number: str | None
    parent_id: int | None
    parent_name: str | None
    contact_email: str | None
    is_active: bool
    people: int
    admins: int
    deputies: int

    @property
    def lacks_admin(self) -> bool:
        return self.is_active and self.admins == 0

    @property
    def lacks_deputy(self) -> bool:
        return self.is_active and self.deputies == 0


@dataclass(frozen=True, slots=True)
class MemberRow:
    membership_id: int
    person_id: int
    name: str
    email: str | None
    role: MembershipRole
    is_deputy: bool
    since: datetime


@dataclass(frozen=True, slots=True)
class InvitationRow:
    id: int
    organisation_id: int
    organisation_name: str
    email: str
    role: MembershipRole
    status: InvitationStatus
    created_at: datetime
    sent_at: datetime
    expires_at: datetime
    invited_by_name: str | None
    accepted_by_name: str | None
    accepted_at: datetime | None
    revoked_at: datetime | None


def _active_members() -> sa.ColumnElement[bool]:
    return sa.and_(col(Membership.organisation_id) == col(Organisation.id), current_membership())


def _organisation_columns() -> sa.Select[Any]:
    parent = aliased(Organisation)
    people = sa.select(sa.func.count()).where(_active_members()).scalar_subquery().label("people")
    admins = (
        sa.select(sa.func.count())
        .where(_active_members(), col(Membership.role) == MembershipRole.ADMIN)
        .scalar_subquery()
        .label("admins")
    )
    deputies = (
        sa.select(sa.func.count())
        .where(_active_members(), col(Membership.is_deputy).is_(True))
        .scalar_subquery()
        .label("deputies")
    )
    return sa.select(
        col(Organisation.id),
        col(Organisation.name),
        col(Organisation.kind),
        col(Organisation.org_number),
        col(Organisation.parent_id),
        col(parent.name).label("parent_name"),
        col(Organisation.contact_email),
        col(Organisation.is_active),
        people,
        admins,
        deputies,
    ).outerjoin(parent, col(parent.id) == col(Organisation.parent_id))


async def list_organisations(
    db: AsyncSession,
    *,
    kind: OrganisationKind | None = None,
    search: str | None = None,
    include_inactive: bool = False,
    limit: int = 1000,
) -> list[OrganisationRow]:
    """Organisations in Swedish alphabetical order, filtered; one query."""
    query = _organisation_columns()
    if kind is not None:
        query = query.where(col(Organisation.kind) == kind)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(
                col(Organisation.name_key).like(pattern, escape="\\"),
                col(Organisation.org_number).like(pattern, escape="\\"),
            )
        )
    if not include_inactive:
        query = query.where(col(Organisation.is_active).is_(True))
    query = query.order_by(col(Organisation.sort_key), col(Organisation.id)).limit(limit)
    return [OrganisationRow(**row._mapping) for row in await db.execute(query)]


async def organisation(db: AsyncSession, organisation_id: int) -> OrganisationRow | None:
    row = (
        await db.execute(_organisation_columns().where(col(Organisation.id) == organisation_id))
    ).one_or_none()
    return OrganisationRow(**row._mapping) if row else None


async def organisation_choices(
    db: AsyncSession, *, excluding: int | None = None, include_inactive: bool = False
) -> list[tuple[int, str]]:
    """(id, name) pairs for a select, in Swedish order."""
    query = sa.select(col(Organisation.id), col(Organisation.name)).order_by(
        col(Organisation.sort_key)
    )
    if not include_inactive:
        query = query.where(col(Organisation.is_active).is_(True))
    if excluding is not None:
        query = query.where(col(Organisation.id) != excluding)
    return [(row.id, row.name) for row in await db.execute(query)]


async def members(db: AsyncSession, organisation_id: int) -> list[MemberRow]:
    query: Any = (
        sa.select(
            col(Membership.id).label("membership_id"),
            col(Person.id).label("person_id"),
            col(Person.name),
            col(Person.email),
            col(Membership.role),
            col(Membership.is_deputy),
            col(Membership.created_at).label("since"),
        )
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(col(Membership.organisation_id) == organisation_id, current_membership())
        .order_by(col(Membership.role), col(Person.name))
    )
    return [MemberRow(**row._mapping) for row in await db.execute(query)]


async def active_roles(db: AsyncSession, person_id: int) -> dict[int, MembershipRole]:
    """The person's role in each active organisation they act for."""
    query = (
        sa.select(col(Membership.organisation_id), col(Membership.role))
        .join(Organisation, membership_organisation())
        .where(col(Membership.person_id) == person_id, acting_for())
    )
    return {row.organisation_id: row.role for row in await db.execute(query)}


async def my_organisations(
    db: AsyncSession, person_id: int
) -> list[tuple[int, str, MembershipRole]]:
    query = (
        sa.select(col(Organisation.id), col(Organisation.name), col(Membership.role))
        .join(Membership, membership_organisation())
        .where(col(Membership.person_id) == person_id, acting_for())
        .order_by(col(Organisation.sort_key))
    )
    return [(row.id, row.name, row.role) for row in await db.execute(query)]


def _invitation_columns() -> Any:
    inviter = aliased(Person)
    acceptor = aliased(Person)
    query: Any = (
        sa.select(
            col(Invitation.id),
            col(Invitation.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(Invitation.email),
            col(Invitation.role),
            col(Invitation.status),
            col(Invitation.created_at),
            col(Invitation.sent_at),
            col(Invitation.expires_at),
            col(inviter.name).label("invited_by_name"),
            col(acceptor.name).label("accepted_by_name"),
            col(Invitation.accepted_at),
            col(Invitation.revoked_at),
        )
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        .outerjoin(inviter, col(inviter.id) == col(Invitation.invited_by))
        .outerjoin(acceptor, col(acceptor.id) == col(Invitation.accepted_by))
    )
    return query


async def invitations(
    db: AsyncSession,
    *,
    organisation_id: int | None = None,
    pending_only: bool = False,
    limit: int = 500,
) -> list[InvitationRow]:
    """Newest first; every state, or only those still pending."""
    query = _invitation_columns()
    if organisation_id is not None:
        query = query.where(col(Invitation.organisation_id) == organisation_id)
    if pending_only:
        query = query.where(col(Invitation.status) == InvitationStatus.PENDING)
    query = query.order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
    return [InvitationRow(**row._mapping) for row in await db.execute(query.limit(limit))]


async def invitation(db: AsyncSession, invitation_id: int) -> InvitationRow | None:
    row = (
        await db.execute(_invitation_columns().where(col(Invitation.id) == invitation_id))
    ).one_or_none()
    return InvitationRow(**row._mapping) if row else None


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether mail reaches an organisation: the addresses it goes to — its main contacts'
    (active admins'), or its contact address when none of them has a usable one — and, when
    it goes nowhere, why."""

    addresses: tuple[str, ...]
    # Active main contacts without a usable address (none, or something that is not one).
    contacts_without_address: tuple[str, ...]
    # A contact address in the register that is not an email address.
    bad_contact_email: bool

    @property
    def unreachable(self) -> bool:
        """There is someone or something to write to, but no address works: "kan inte nås".
        (An organisation with neither main contact nor contact address is "saknar
        huvudkontakt" instead.)"""
        return not self.addresses and bool(self.contacts_without_address or self.bad_contact_email)


async def main_contact_reach(
    db: AsyncSession, organisation_ids: Collection[int]
) -> dict[int, Reach]:
    """How mail reaches each of ``organisation_ids`` (see :class:`Reach`). One query."""
    if not organisation_ids:
        return {}
    rows: Any = await db.execute(
        sa.select(
            col(Organisation.id),
            col(Organisation.contact_email),
            col(Person.name),
            col(Person.email),
        )
        .outerjoin(
            Membership,
            sa.and_(
                col(Membership.organisation_id) == col(Organisation.id),
                col(Membership.role) == MembershipRole.ADMIN,
                current_membership(),
            ),
        )
        .outerjoin(
            Person, sa.and_(col(Person.id) == col(Membership.person_id), col(Person.is_active))
        )
        .where(col(Organisation.id).in_(list(organisation_ids)))
        .order_by(col(Organisation.id), col(Person.name))
    )
    admins: dict[int, set[str]] = {}
    without: dict[int, list[str]] = {}
    contact: dict[int, str | None] = {}
    for organisation_id, contact_email, name, email in rows:
        admins.setdefault(organisation_id, set())
        without.setdefault(organisation_id, [])
        contact[organisation_id] = contact_email
        if name is None:  # no active main contact on this row
            continue
        if address := usable_address(email):
            admins[organisation_id].add(address)
        else:
            without[organisation_id].append(name)
    reach = {}
    for organisation_id, found in admins.items():
        fallback = usable_address(contact[organisation_id])
        addresses = sorted(found) if found else ([fallback] if fallback else [])
        reach[organisation_id] = Reach(
            addresses=tuple(addresses),
            contacts_without_address=tuple(without[organisation_id]),
            bad_contact_email=bool(contact[organisation_id]) and fallback is None,
        )
    return reach


async def main_contact_addresses(
    db: AsyncSession, organisation_ids: Collection[int]
) -> dict[int, list[str]]:
    """Where mail to an organisation goes: its main contacts' usable addresses, or the
    organisation's contact address when none of them has one. One query."""
    reach = await main_contact_reach(db, organisation_ids)
    return {o: list(r.addresses) for o, r in reach.items()}


async def mail_failing(db: AsyncSession, reach: Mapping[int, Reach]) -> set[int]:
    """Those of the organisations in ``reach`` whose mail keeps failing at an address it goes
    to (``mail.outbox.failing_addresses``: two failures in a row or more). One query."""
    failing = await failing_addresses(db, [a for r in reach.values() for a in r.addresses])
    return {o for o, r in reach.items() if failing.intersection(r.addresses)}


async def unreachable(db: AsyncSession, organisation_ids: Collection[int]) -> dict[int, Reach]:
    """The organisations of ``organisation_ids`` that mail cannot reach, and why. One query."""
    reach = await main_contact_reach(db, organisation_ids)
    return {o: r for o, r in reach.items() if r.unreachable}
