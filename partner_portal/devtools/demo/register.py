"""Demo register of vital services: AB Botkyrkabyggen's care home, kept by its main contact."""

from __future__ import annotations

from partner_portal.devtools.demo.actors import BYGGEN, Demo
from partner_portal.rooms.models import Classification
from partner_portal.vital_services import service
from partner_portal.vital_services.models import Dependency, Sector
from partner_portal.vital_services.service import DependencyInput, EntryInput


async def vital_services(demo: Demo) -> None:
    await service.create_entry(
        demo.db,
        actor_id=demo.person("erik.oberg").id,
        organisation_id=demo.organisations[BYGGEN],
        data=EntryInput(
            name="Trygghetsboendet Tumba",
            address="Tumba torg 12, 147 30 Tumba",
            sector=Sector.HEALTH_CARE,
            persons_served=64,
            cannot_leave=40,
            stored_water_litres=None,
            contact="Husvärden, 08-530 610 00",
            classification=Classification.INTERNAL,
            dependencies=(
                DependencyInput(Dependency.ELECTRICITY, "Mobilt reservkraftverk via Ellevio", 8),
                DependencyInput(Dependency.WATER, "", None),
                DependencyInput(Dependency.STAFF, "Hemtjänsten i Tumba", None),
            ),
            gsrns=(),
        ),
    )
