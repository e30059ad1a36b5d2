"""The demo partners' crisis contacts: a 24/7 path and people in crisis roles for four of them
(Upplev's confirmed long ago, so the directory shows a stale entry too)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.contacts import service
from partner_portal.contacts.models import OrganisationContact
from partner_portal.contacts.service import ContactInput, PersonInput
from partner_portal.devtools.demo.actors import BYGGEN, ELLEVIO, SBFF, UPPLEV, Demo
from partner_portal.platform import clock

ENTRIES = {
    BYGGEN: ContactInput(
        "08-530 610 00",
        "beredskap@botkyrkabyggen.example",
        "Rakel: BOT-BYGGEN-1",
        (
            PersonInput("Erik Öberg", "Krisledare", "070-123 45 67"),
            PersonInput("Łukasz Ødegård", "Fastighetsjour", "070-234 56 78"),
        ),
    ),
    SBFF: ContactInput(
        "08-721 23 00",
        "rib@sbff.example",
        "Rakel: SBFF-RIB",
        (PersonInput("Räddningschef i beredskap", "Räddningschef i beredskap", "08-721 23 01"),),
    ),
    UPPLEV: ContactInput(
        "08-530 620 00",
        "",
        "",
        (PersonInput("Sara Ek", "Kommunikatör i beredskap", "070-345 67 89"),),
    ),
    ELLEVIO: ContactInput("020-44 44 44", "driftcentral@ellevio.example", "Rakel: ELLEVIO-DC"),
}


async def crisis_contacts(demo: Demo) -> None:
    for name, entry in ENTRIES.items():
        await service.save(
            demo.db,
            organisation_id=demo.organisations[name],
            actor=demo.anna,
            data=entry,
            ip_address=None,
        )
    await demo.db.execute(
        sa.update(OrganisationContact)
        .where(col(OrganisationContact.organisation_id) == demo.organisations[UPPLEV])
        .values(confirmed_at=clock.now() - timedelta(days=200))
    )
    await demo.db.commit()
