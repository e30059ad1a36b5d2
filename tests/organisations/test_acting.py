"""Who acts for which organisation (partner_portal/organisations/acting.py): the rule, and that
it is written in one place only."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.organisations.acting import (
    acting_for,
    current_membership,
    membership_organisation,
    organisation_ids_of,
)
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.platform import clock
from tests.helpers import Persona
from tests.organisations.factories import add_member, make_organisation

PACKAGE = Path(__file__).resolve().parents[2] / "partner_portal"


async def test_a_person_acts_for_an_active_organisation_while_the_membership_lasts(
    db: AsyncSession, bob: Persona
) -> None:
    acting = await make_organisation(db, "AB Botkyrkabyggen")
    ended = await make_organisation(db, "Upplev Botkyrka AB")
    inactive = await make_organisation(db, "Nedlagt AB", active=False)
    await add_member(db, bob, acting)
    await add_member(db, bob, inactive)
    ended_membership = await add_member(db, bob, ended)
    membership = await db.get(Membership, ended_membership)
    assert membership is not None
    membership.ended_at = clock.now()
    await db.commit()

    acts_for = set(await db.scalars(organisation_ids_of(bob.id)))
    joined = set(
        await db.scalars(
            sa.select(col(Organisation.id))
            .join(Membership, membership_organisation())
            .where(col(Membership.person_id) == bob.id, acting_for())
        )
    )
    member_of = set(
        await db.scalars(
            sa.select(col(Membership.organisation_id)).where(
                col(Membership.person_id) == bob.id, current_membership()
            )
        )
    )

    assert acts_for == joined == {acting}
    assert member_of == {acting, inactive}  # the organisation's own administration sees both


def test_no_other_module_writes_the_rule_again() -> None:
    """A membership's end is read only in acting.py (its model and the privacy report's list
    of past memberships aside): a new query asks acting_for() or current_membership()."""
    written_again = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "acting.py"
        and re.search(r"Membership\.ended_at\)\.is_", path.read_text(encoding="utf-8"))
    ]

    assert written_again == []
