"""Plain factories for FRG: a group, registered volunteers with skills, patterns, absences."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.frg.groups import ensure_group
from partner_portal.frg.models import (
    Absence,
    FrgSkill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
    WeeklySlot,
)
from partner_portal.organisations.models import MembershipRole, OrganisationKind
from partner_portal.platform import clock
from tests.helpers import Persona, make_person
from tests.organisations.factories import add_member, make_organisation

ALL_WEEK = frozenset(range(28))


async def make_group(db: AsyncSession, name: str = "FRG Botkyrka") -> int:
    organisation_id = await make_organisation(db, name, OrganisationKind.FRG)
    await ensure_group(db, organisation_id)
    await db.commit()
    return organisation_id


async def make_lead(db: AsyncSession, organisation_id: int, name: str = "Lena Ledare") -> Persona:
    lead = await make_person(db, name)
    await add_member(db, lead, organisation_id, MembershipRole.ADMIN)
    return lead


async def skill_id(db: AsyncSession, organisation_id: int, name: str) -> int:
    found = await db.scalar(
        sa.select(col(FrgSkill.id)).where(
            col(FrgSkill.organisation_id) == organisation_id, col(FrgSkill.name) == name
        )
    )
    assert found is not None, name
    return int(found)


async def make_volunteer(
    db: AsyncSession,
    organisation_id: int,
    persona: Persona | str,
    *,
    slots: Iterable[int] = ALL_WEEK,
    skills: Iterable[str] = (),
    absences: Iterable[tuple[date, date]] = (),
    week: tuple[date, bool] | None = None,
    registered: bool = True,
    status: VolunteerStatus = VolunteerStatus.ACTIVE,
    phone: str = "070-123 45 67",
    last_active_at: datetime | None = None,
) -> int:
    if isinstance(persona, str):
        persona = await make_person(db, persona)
    volunteer = Volunteer(
        organisation_id=organisation_id,
        person_id=persona.id,
        status=status,
        phone=phone,
        email=persona.email,
        agreement_signed_on=clock.today() - timedelta(days=400),
        basic_course_on=clock.today() - timedelta(days=380),
        registered_at=clock.now() if registered else None,
        last_active_at=last_active_at or clock.now(),
        week_start=week[0] if week else None,
        week_available=week[1] if week else None,
    )
    db.add(volunteer)
    await db.flush()
    assert volunteer.id is not None
    for value in set(slots):
        db.add(WeeklySlot(volunteer_id=volunteer.id, slot=value))
    for name in skills:
        db.add(
            VolunteerSkill(
                volunteer_id=volunteer.id, skill_id=await skill_id(db, organisation_id, name)
            )
        )
    for starts_on, ends_on in absences:
        db.add(Absence(volunteer_id=volunteer.id, starts_on=starts_on, ends_on=ends_on))
    await db.commit()
    return volunteer.id
