"""FRG Botkyrka's demo work: an exercise call-out and a pending invitation."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.devtools.demo.actors import FRG_BOTKYRKA, Demo, at
from partner_portal.frg import callouts
from partner_portal.frg import enrolment as frg_enrolment
from partner_portal.frg.access import lead_for
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.models import Volunteer
from partner_portal.platform import clock


async def callout_and_invitation(demo: Demo) -> None:
    """An exercise call-out to two of FRG Botkyrka's volunteers, and a pending invitation."""
    db = demo.db
    johan = demo.person("johan.arlig")
    group = await lead_for(db, johan, demo.organisations[FRG_BOTKYRKA])
    volunteers: frozenset[int] = frozenset(
        await db.scalars(
            sa.select(col(Volunteer.id))
            .join(Person, col(Person.id) == col(Volunteer.person_id))
            .where(
                col(Volunteer.organisation_id) == group.id,
                col(Person.oidc_subject).in_(["lina.virtanen", "frg.karin"]),
            )
        )
    )
    day = clock.today() + timedelta(days=10)
    await callouts.send(
        db,
        actor=johan,
        group=group,
        data=CalloutInput(
            "Övning: vattenutdelning vid Tumba centrum",
            "Tumba centrum, vid biblioteket",
            "Vi övar utdelning av nödvatten tillsammans med kommunen.",
            at(day, 10),
            at(day, 14),
            2,
            None,
            True,
        ),
        volunteer_ids=volunteers,
        settings=demo.settings,
        env=demo.env,
    )
    await frg_enrolment.invite(
        db,
        actor=johan,
        group=group,
        email="amira.hassan@example.se",
        settings=demo.settings,
        env=demo.env,
    )
