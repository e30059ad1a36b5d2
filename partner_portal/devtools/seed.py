"""Demo data for `partner-portal dev`, written once and safe to run again.

Botkyrka's partner set as the safety programme names it (the organisation numbers are left
out: they are the organisations' own to give), with the demo people acting for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth import queries
from partner_portal.auth.models import Person
from partner_portal.auth.service import grant_role_by_email
from partner_portal.devtools.people import DEMO_PEOPLE
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.text import swedish_sort_key

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
)


async def seed_demo(db: AsyncSession, *, issuer: str) -> None:
    """Side effects: demo people at this issuer with their portal roles, the partner
    organisations and their memberships — each only if missing. Commits."""
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
