"""Reads of an FRG group and its members: the organisation, who leads it, the volunteers and their
registrations, the skills list, the lead's register and the count per skill. Columns into frozen
rows, a constant number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.frg.models import (
    FrgSkill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
)
from partner_portal.organisations.acting import acting_for, current_membership
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform.text import swedish_sort_key


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: int
    name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    id: int
    organisation_id: int
    person_id: int
    name: str
    status: VolunteerStatus
    phone: str
    email: str
    agreement_signed_on: date | None
    basic_course_on: date | None
    registered_at: datetime | None
    created_at: datetime
    last_active_at: datetime
    week_start: date | None
    week_available: bool | None


@dataclass(frozen=True, slots=True)
class SkillRow:
    id: int
    name: str
    is_active: bool


_VOLUNTEER_COLUMNS: tuple[Any, ...] = (
    col(Volunteer.id),
    col(Volunteer.organisation_id),
    col(Volunteer.person_id),
    col(Person.name),
    col(Volunteer.status),
    col(Volunteer.phone),
    col(Volunteer.email),
    col(Volunteer.agreement_signed_on),
    col(Volunteer.basic_course_on),
    col(Volunteer.registered_at),
    col(Volunteer.created_at),
    col(Volunteer.last_active_at),
    col(Volunteer.week_start),
    col(Volunteer.week_available),
)


def _volunteers() -> sa.Select[Any]:
    return sa.select(*_VOLUNTEER_COLUMNS).join(Person, col(Person.id) == col(Volunteer.person_id))


async def frg_organisation(db: AsyncSession, organisation_id: int) -> GroupRow | None:
    row: Any = (
        await db.execute(
            sa.select(col(Organisation.id), col(Organisation.name), col(Organisation.is_active))
            .where(col(Organisation.id) == organisation_id)
            .where(col(Organisation.kind) == OrganisationKind.FRG)
        )
    ).one_or_none()
    return None if row is None else GroupRow(**row._mapping)


async def is_admin(db: AsyncSession, person_id: int, organisation_id: int) -> bool:
    found = await db.scalar(
        sa.select(col(Membership.id)).where(
            col(Membership.person_id) == person_id,
            col(Membership.organisation_id) == organisation_id,
            col(Membership.role) == MembershipRole.ADMIN,
            current_membership(),
        )
    )
    return found is not None


async def volunteer_of(
    db: AsyncSession, person_id: int, organisation_id: int
) -> VolunteerRow | None:
    row: Any = (
        await db.execute(
            _volunteers().where(
                col(Volunteer.person_id) == person_id,
                col(Volunteer.organisation_id) == organisation_id,
            )
        )
    ).one_or_none()
    return None if row is None else VolunteerRow(**row._mapping)


async def volunteer(db: AsyncSession, volunteer_id: int) -> VolunteerRow | None:
    row: Any = (
        await db.execute(_volunteers().where(col(Volunteer.id) == volunteer_id))
    ).one_or_none()
    return None if row is None else VolunteerRow(**row._mapping)


@dataclass(frozen=True, slots=True)
class MyGroups:
    volunteering: list[tuple[GroupRow, VolunteerRow]]
    leading: list[GroupRow]


async def my_groups(db: AsyncSession, person_id: int, *, everything: bool) -> MyGroups:
    """Where the person is a volunteer, and which FRG organisations they lead (all, for a
    coordinator). Two queries."""
    rows: Any = await db.execute(
        sa.select(
            *_VOLUNTEER_COLUMNS,
            col(Organisation.name).label("group_name"),
            col(Organisation.is_active).label("group_active"),
        )
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .join(Organisation, col(Organisation.id) == col(Volunteer.organisation_id))
        .where(col(Volunteer.person_id) == person_id)
    )
    volunteering = []
    for row in rows:
        values = dict(row._mapping)
        group = GroupRow(
            values["organisation_id"], values.pop("group_name"), values.pop("group_active")
        )
        if group.is_active:
            volunteering.append((group, VolunteerRow(**values)))
    led = sa.select(
        col(Organisation.id), col(Organisation.name), col(Organisation.is_active)
    ).where(col(Organisation.kind) == OrganisationKind.FRG)
    if not everything:
        led = led.join(Membership, col(Membership.organisation_id) == col(Organisation.id)).where(
            col(Membership.person_id) == person_id,
            col(Membership.role) == MembershipRole.ADMIN,
            acting_for(),
        )
    leading = [GroupRow(**r._mapping) for r in await db.execute(led)]
    leading.sort(key=lambda g: swedish_sort_key(g.name))
    return MyGroups(volunteering, leading)


async def skills(db: AsyncSession, organisation_id: int, *, active_only: bool) -> list[SkillRow]:
    query = (
        sa.select(col(FrgSkill.id), col(FrgSkill.name), col(FrgSkill.is_active))
        .where(col(FrgSkill.organisation_id) == organisation_id)
        .order_by(col(FrgSkill.sort_key))
    )
    if active_only:
        query = query.where(col(FrgSkill.is_active).is_(True))
    return [SkillRow(**r._mapping) for r in await db.execute(query)]


async def skill_ids_of(db: AsyncSession, volunteer_id: int) -> set[int]:
    rows = await db.scalars(
        sa.select(col(VolunteerSkill.skill_id)).where(
            col(VolunteerSkill.volunteer_id) == volunteer_id
        )
    )
    return set(rows)


@dataclass(frozen=True, slots=True)
class RosterRow:
    volunteer: VolunteerRow
    skills: tuple[str, ...]


async def roster(db: AsyncSession, organisation_id: int) -> list[RosterRow]:
    """Every volunteer of the organisation with their skills, in Swedish name order. Two
    queries, whatever the number of volunteers."""
    rows: Any = await db.execute(
        _volunteers().where(col(Volunteer.organisation_id) == organisation_id)
    )
    volunteers = [VolunteerRow(**r._mapping) for r in rows]
    named: dict[int, list[str]] = {}
    pairs: Any = await db.execute(
        sa.select(col(VolunteerSkill.volunteer_id), col(FrgSkill.name))
        .join(FrgSkill, col(FrgSkill.id) == col(VolunteerSkill.skill_id))
        .where(col(FrgSkill.organisation_id) == organisation_id)
        .order_by(col(FrgSkill.sort_key))
    )
    for volunteer_id, name in pairs:
        named.setdefault(volunteer_id, []).append(name)
    volunteers.sort(key=lambda v: swedish_sort_key(v.name))
    return [RosterRow(v, tuple(named.get(v.id, ()))) for v in volunteers]


async def skill_counts(db: AsyncSession, organisation_id: int) -> list[tuple[str, int]]:
    """Active, registered volunteers per skill on the list (zero included). One query."""
    counted = (
        sa.select(col(VolunteerSkill.skill_id), sa.func.count().label("n"))
        .join(Volunteer, col(Volunteer.id) == col(VolunteerSkill.volunteer_id))
        .where(*callable_where(organisation_id))
        .group_by(col(VolunteerSkill.skill_id))
        .subquery()
    )
    rows: Any = await db.execute(
        sa.select(col(FrgSkill.name), sa.func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.skill_id == col(FrgSkill.id))
        .where(col(FrgSkill.organisation_id) == organisation_id, col(FrgSkill.is_active).is_(True))
        .order_by(col(FrgSkill.sort_key))
    )
    return [(name, int(n)) for name, n in rows]


def callable_where(organisation_id: int) -> tuple[sa.ColumnElement[bool], ...]:
    """Volunteers who may be searched and called out: approved and registered."""
    return (
        col(Volunteer.organisation_id) == organisation_id,
        col(Volunteer.status) == VolunteerStatus.ACTIVE,
        col(Volunteer.registered_at).is_not(None),
    )
