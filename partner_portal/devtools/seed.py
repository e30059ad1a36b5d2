"""Demo data for `partner-portal dev`, written once and safe to run again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth import queries
from partner_portal.auth.models import Person
from partner_portal.auth.service import grant_role_by_email
from partner_portal.devtools.people import DEMO_PEOPLE


async def seed_demo(db: AsyncSession, *, issuer: str) -> None:
    """Side effects: a person per demo person at this issuer, and their portal roles. Commits."""
    for demo in DEMO_PEOPLE:
        if await queries.person_by_subject(db, issuer, demo.subject) is None:
            db.add(
                Person(
                    oidc_issuer=issuer,
                    oidc_subject=demo.subject,
                    name=demo.name,
                    email=demo.email,
                    email_verified=True,
                )
            )
    await db.commit()
    for demo in DEMO_PEOPLE:
        if demo.role is not None:
            await grant_role_by_email(db, demo.role, demo.email)
