"""Demo data for `partner-portal dev`, written once and safe to run again.

Botkyrka's partner set as the safety programme names it (the organisation numbers are left
out: they are the organisations' own to give), with the demo people acting for them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal.auth import queries
from partner_portal.auth.models import Person, PortalRole
from partner_portal.auth.service import grant_role_by_email
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.devtools.demo.work import seed_work
from partner_portal.devtools.people import DEMO_PEOPLE
from partner_portal.evidence.models import Process
from partner_portal.frg.groups import ensure_group
from partner_portal.frg.models import (
    FrgSkill,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
    WeeklySlot,
)
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform import clock
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.settings import Settings
from partner_portal.platform.templating import Templates
from partner_portal.platform.text import swedish_sort_key
from partner_portal.rooms import lifecycle as room_lifecycle
from partner_portal.rooms import participation as room_participation
from partner_portal.rooms.access import room_for
from partner_portal.rooms.catalogue import install_standard_templates
from partner_portal.rooms.lifecycle import RoomInput
from partner_portal.rooms.models import ProcessTemplate, Room

K = OrganisationKind
MUNICIPALITY = "Botkyrka kommun"
PARTNERS: tuple[tuple[str, OrganisationKind, str | None], ...] = (
    (MUNICIPALITY, K.FORVALTNING, None),
    ("AB Botkyrkabyggen", K.KOMMUNALT_BOLAG, MUNICIPALITY),
    ("Upplev Botkyrka AB", K.KOMMUNALT_BOLAG, MUNICIPALITY),
    ("Botkyrka Stadsnät AB", K.KOMMUNALT_BOLAG, MUNICIPALITY),
    ("Stiftelsen Mångkulturellt centrum", K.STIFTELSE, None),
    ("Stiftelsen Hågelby", K.STIFTELSE, None),
    ("Brottsförebyggande rådet i Botkyrka", K.SAMVERKANSORGAN, None),
    ("Södertörns brandförsvarsförbund", K.RADDNINGSTJANST, None),
    ("Lokalpolisområde Botkyrka", K.POLIS, None),
    ("Våldspreventivt center Botkyrka", K.VPC, MUNICIPALITY),
    ("FRG Botkyrka", K.FRG, None),
    ("Ellevio AB", K.ELNATSFORETAG, None),
)
# (demo person's subject, organisation, role, deputy)
MEMBERSHIPS = (
    ("anna.lindqvist", MUNICIPALITY, MembershipRole.ADMIN, False),
    ("erik.oberg", "AB Botkyrkabyggen", MembershipRole.ADMIN, False),
    ("sara.akesson", "Södertörns brandförsvarsförbund", MembershipRole.ADMIN, True),
    ("johan.arlig", "FRG Botkyrka", MembershipRole.ADMIN, False),
    ("maria.nilsson", MUNICIPALITY, MembershipRole.MEMBER, True),
    ("omar.haddad", "AB Botkyrkabyggen", MembershipRole.MEMBER, False),
)


async def seed_demo(db: AsyncSession, *, issuer: str, settings: Settings) -> None:
    """Side effects: demo people at this issuer with their portal roles, the partner
    organisations and their memberships, and a drinking-water room under way — each only if
    missing. Commits."""
    people: dict[str, int] = {}
    for demo in DEMO_PEOPLE:
        person = await queries.person_by_subject(db, issuer, demo.subject)
        if person is None:
            person = Person(
                oidc_issuer=issuer,
                oidc_subject=demo.subject,
                name=demo.name,
                email=demo.email,
                email_verified=True,
            )
            db.add(person)
            await db.flush()
        assert person.id is not None
        people[demo.subject] = person.id

    organisations: dict[str, int] = {}
    for name, kind, parent in PARTNERS:
        existing = await db.scalar(
            sa.select(col(Organisation.id)).where(col(Organisation.name_key) == name.lower())
        )
        if existing is None:
            organisation = Organisation(
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
                kind=kind,
                parent_id=organisations.get(parent) if parent else None,
            )
            db.add(organisation)
            await db.flush()
            existing = organisation.id
        assert existing is not None
        organisations[name] = existing

    for subject, organisation_name, role, deputy in MEMBERSHIPS:
        person_id, organisation_id = people[subject], organisations[organisation_name]
        already = await db.scalar(
            sa.select(col(Membership.id)).where(
                col(Membership.person_id) == person_id,
                col(Membership.organisation_id) == organisation_id,
            )
        )
        if already is None:
            db.add(
                Membership(
                    person_id=person_id,
                    organisation_id=organisation_id,
                    role=role,
                    is_deputy=deputy,
                )
            )
    await db.commit()
    for demo in DEMO_PEOPLE:
        if demo.role is not None:
            await grant_role_by_email(db, demo.role, demo.email)
    room_id = await _seed_room(db, people, organisations, settings)
    await seed_frg(db, issuer=issuer, organisation_id=organisations["FRG Botkyrka"], people=people)
    await seed_work(
        db,
        people={d.subject: (people[d.subject], d.name) for d in DEMO_PEOPLE},
        organisations=organisations,
        settings=settings,
        env=Templates(resource_dir("templates")).env,
        drinking_water_room=room_id,
    )


def demo_room_name() -> str:
    return f"Nödvattenplan {clock.today().year}"


async def _seed_room(
    db: AsyncSession, people: dict[str, int], organisations: dict[str, int], settings: Settings
) -> int:
    """A room opened and three organisations invited, one of which has said yes — made through
    the same services people use, so the follow-up has real evidence to show. Returns its id."""
    name = demo_room_name()
    existing = await db.scalar(sa.select(col(Room.id)).where(col(Room.name) == name))
    if existing is not None:
        return existing
    await install_standard_templates(db)
    template_id = await db.scalar(
        sa.select(col(ProcessTemplate.id)).where(
            col(ProcessTemplate.process) == Process.NODVATTEN,
            col(ProcessTemplate.is_current).is_(True),
        )
    )
    assert template_id is not None
    anna = _as(people, "anna.lindqvist", "Anna Lindqvist", PortalRole.COORDINATOR)
    room_id = await room_lifecycle.open_room(
        db,
        actor=anna,
        data=RoomInput(
            name,
            template_id,
            clock.today() - timedelta(days=30),
            clock.today() + timedelta(days=330),
        ),
    )
    env = Templates(resource_dir("templates")).env
    byggen = organisations["AB Botkyrkabyggen"]
    stiftelse = organisations["Stiftelsen Mångkulturellt centrum"]
    await room_participation.invite_organisations(
        db,
        actor=anna,
        access=await room_for(db, anna, room_id),
        organisation_ids=[byggen, organisations["Upplev Botkyrka AB"], stiftelse],
        settings=settings,
        env=env,
    )
    erik = _as(people, "erik.oberg", "Erik Öberg", None)
    await room_participation.answer(
        db,
        actor=erik,
        access=await room_for(db, erik, room_id),
        organisation_id=byggen,
        accept=True,
        reason="",
    )
    return room_id


def _as(people: dict[str, int], subject: str, name: str, role: PortalRole | None) -> CurrentPerson:
    return CurrentPerson(people[subject], name, None, frozenset({role}) if role else frozenset())


# (subject, name, phone, skills, weekly slots as (weekdays, parts)) — FRG Botkyrka's demo members.
_ALL_DAYS = range(7)
_WEEKDAYS = range(5)
FRG_VOLUNTEERS = (
    ("lina.virtanen", "Lina Virtanen", "070-111 22 33",
     ("Första hjälpen", "Körkort B", "Språk: finska"), (_ALL_DAYS, (1, 2, 3))),
    ("frg.ahmed", "Ahmed Yusuf", "070-222 33 44",
     ("Körkort B", "Körkort BE", "Språk: somaliska"), (_WEEKDAYS, (2, 3))),
    ("frg.karin", "Karin Lund", "070-333 44 55",
     ("Första hjälpen", "Matlagning i storkök", "Radio (RAKEL)"), (_ALL_DAYS, (1, 2))),
    ("frg.mehmet", "Mehmet Demir", "070-444 55 66",
     ("Körkort C", "Språk: turkiska", "Egen bil"), (range(5, 7), (0, 1, 2, 3))),
    ("frg.sofia", "Sofia Ek", "070-555 66 77",
     ("Hjärt- och lungräddning (HLR)", "Språk: engelska"), (_ALL_DAYS, (3, 0))),
)  # fmt: skip


async def seed_frg(
    db: AsyncSession, *, issuer: str, organisation_id: int, people: dict[str, int]
) -> None:
    """Side effects: FRG Botkyrka's skills list and a few registered demo volunteers with skills
    and weekly availability (people who are not demo logins are created at the issuer too) —
    each only if missing. Commits."""
    await ensure_group(db, organisation_id)
    rows: Any = await db.execute(
        sa.select(col(FrgSkill.id), col(FrgSkill.name)).where(
            col(FrgSkill.organisation_id) == organisation_id
        )
    )
    skills = {str(name): int(skill_id) for skill_id, name in rows}
    for subject, name, phone, skill_names, (days, parts) in FRG_VOLUNTEERS:
        person_id = people.get(subject)
        if person_id is None:
            person = await queries.person_by_subject(db, issuer, subject)
            if person is None:
                person = Person(
                    oidc_issuer=issuer,
                    oidc_subject=subject,
                    name=name,
                    email=f"{subject}@example.se",
                    email_verified=True,
                )
                db.add(person)
                await db.flush()
            assert person.id is not None
            person_id = person.id
        existing = await db.scalar(
            sa.select(col(Volunteer.id)).where(
                col(Volunteer.organisation_id) == organisation_id,
                col(Volunteer.person_id) == person_id,
            )
        )
        if existing is not None:
            continue
        volunteer = Volunteer(
            organisation_id=organisation_id,
            person_id=person_id,
            status=VolunteerStatus.ACTIVE,
            phone=phone,
            email=f"{subject}@example.se",
            agreement_signed_on=clock.today() - timedelta(days=200),
            basic_course_on=clock.today() - timedelta(days=180),
            # Registered long enough ago to be asked to confirm their availability by mail.
            registered_at=clock.now() - timedelta(days=200),
        )
        db.add(volunteer)
        await db.flush()
        assert volunteer.id is not None
        for skill_name in skill_names:
            db.add(VolunteerSkill(volunteer_id=volunteer.id, skill_id=skills[skill_name]))
        for day in days:
            for part in parts:
                db.add(WeeklySlot(volunteer_id=volunteer.id, slot=day * 4 + part))
    await db.commit()
