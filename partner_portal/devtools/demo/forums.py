"""The demo's standing forum: VPC, marked free of personal data about individuals, with two
parties that have accepted and its agreement record (made through the services people use)."""

from __future__ import annotations

from datetime import timedelta

from partner_portal.devtools.demo.actors import BYGGEN, SBFF, UPPLEV, Demo
from partner_portal.forums import service as forums
from partner_portal.platform import clock
from partner_portal.rooms import participation
from partner_portal.rooms.access import room_for


async def vpc_forum(demo: Demo) -> int:
    """Side effects: the forum, invitations (mail), two answers and the agreement. Commits."""
    room_id = await forums.open_forum(
        demo.db,
        actor=demo.anna,
        data=forums.ForumInput("VPC – Våldsförebyggande centrum", personal_data_free=True),
    )
    await participation.invite_organisations(
        demo.db,
        actor=demo.anna,
        access=await room_for(demo.db, demo.anna, room_id),
        organisation_ids=[demo.organisations[o] for o in (BYGGEN, SBFF, UPPLEV)],
        settings=demo.settings,
        env=demo.env,
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    await demo.accept("sara.akesson", room_id, SBFF)
    today = clock.today()
    await forums.save_agreement(
        demo.db,
        actor=demo.anna,
        access=await room_for(demo.db, demo.anna, room_id),
        data=forums.AgreementInput(
            title="Överenskommelse om våldsförebyggande samverkan",
            signed_on=today - timedelta(days=60),
            valid_from=today - timedelta(days=60),
            valid_until=None,
            next_revision_on=today + timedelta(days=300),
            commitments={
                demo.organisations[BYGGEN]: "Trygghetsvandringar i bostadsområdena två gånger "
                "om året.",
                demo.organisations[SBFF]: "Brandförebyggande information vid skolstart.",
            },
            document_id=None,
        ),
        parties={demo.organisations[BYGGEN], demo.organisations[SBFF]},
    )
    return room_id
