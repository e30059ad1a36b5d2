"""Demo deliverables under way: drinking-water needs, a styrel list, and the höjd beredskap
status with a file noted outside the portal."""

from __future__ import annotations

from partner_portal.attachments import storage
from partner_portal.attachments.service import FilesInput, upload_room_files
from partner_portal.deliverables import service as deliverables
from partner_portal.deliverables.gsrn import gs1_check_digit
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.service import (
    PointInput,
    ReadinessInput,
    StyrelUserInput,
    WaterNeedInput,
)
from partner_portal.devtools.demo.actors import BYGGEN, ELLEVIO, SBFF, Demo
from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.rooms import progress as room_progress
from partner_portal.rooms.access import room_for
from partner_portal.rooms.models import Classification, ItemKind


async def water_needs(demo: Demo, room_id: int) -> None:
    """AB Botkyrkabyggen has started its inventory of drinking-water needs (not handed in)."""
    progress = await demo.progress_on("erik.oberg", room_id, BYGGEN, ItemKind.WATER_NEEDS)
    actor_id = demo.person("erik.oberg").id
    for site, category, persons, litres, vulnerable, tank, note in (
        ("Trygghetsboendet Tumba", WaterCategory.CARE, 64, 640, 40, False,
         "Hyresgästerna kan inte hämta vatten själva."),
        ("Förskolan Solrosen, Alby", WaterCategory.SCHOOL, 85, 425, 0, False, ""),
        ("Fastighetskontoret Fittja", WaterCategory.BUSINESS, 30, 150, 0, True,
         "Egen tank på 1 000 liter."),
    ):  # fmt: skip
        await deliverables.save_water_need(
            demo.db,
            progress=progress,
            need_id=None,
            data=WaterNeedInput(site, category, persons, litres, vulnerable, tank, note),
            actor_id=actor_id,
        )


def _gsrn(serial: int) -> str:
    body = f"735999{serial:011d}"
    return body + str(gs1_check_digit(body))


async def styrel(demo: Demo) -> None:
    """A styrel room: AB Botkyrkabyggen lists a prioritised electricity user; Ellevio is asked."""
    room_id = await demo.open_room(
        f"Styrel {clock.today().year}", Process.EL_STYREL, [BYGGEN, ELLEVIO]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    progress = await demo.progress_on("erik.oberg", room_id, BYGGEN, ItemKind.STYREL_USERS)
    await deliverables.save_styrel_user(
        demo.db,
        progress=progress,
        user_id=None,
        data=StyrelUserInput(
            name="Trygghetsboendet Tumba",
            activity="Boende med omsorg för äldre",
            priority_class=2,
            justification="Boende som inte kan flytta vid ett långvarigt elavbrott.",
            address="Tumba torg 12, 147 30 Tumba",
            grid_company=ELLEVIO,
            points=(PointInput(_gsrn(4201), 2), PointInput(_gsrn(4202), 3)),
            point_indexes=(0, 1),
        ),
        actor_id=demo.person("erik.oberg").id,
    )


async def readiness(demo: Demo) -> None:
    """A höjd beredskap room: the fire and rescue service has handed in its status; the
    municipality notes a security analysis that was delivered outside the portal."""
    room_id = await demo.open_room(
        f"Höjd beredskap {clock.today().year}", Process.HOJD_BEREDSKAP, [BYGGEN, SBFF]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    await demo.accept("sara.akesson", room_id, SBFF)
    for subject, organisation, status, done in (
        ("erik.oberg", BYGGEN, WarOrganisation.IN_PROGRESS, False),
        ("sara.akesson", SBFF, WarOrganisation.YES, True),
    ):
        progress = await demo.progress_on(subject, room_id, organisation, ItemKind.READINESS_STATUS)
        await deliverables.save_readiness(
            demo.db,
            progress=progress,
            data=ReadinessInput(status, done),
            actor_id=demo.person(subject).id,
        )
    sara = demo.person("sara.akesson")
    item = await demo.item(room_id, ItemKind.READINESS_STATUS)
    assert item.id is not None
    await room_progress.submit(
        demo.db,
        actor=sara,
        access=await room_for(demo.db, sara, room_id),
        organisation_id=demo.organisations[SBFF],
        item_id=item.id,
    )
    await upload_room_files(
        demo.db,
        actor=demo.anna,
        access=await room_for(demo.db, demo.anna, room_id),
        data=FilesInput(
            None,
            Classification.CONFIDENTIAL_METADATA_ONLY,
            "Kommunens säkerhetsskyddsanalys",
            "Lämnad till Länsstyrelsen i Stockholms län med rekommenderat brev.",
        ),
        files=[],
        store=storage.store_for(demo.settings),
    )
