"""Plain factories for register entries (written straight to the tables, no rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.platform import clock
from partner_portal.rooms.models import Classification
from partner_portal.vital_services.models import (
    Dependency,
    Sector,
    VitalService,
    VitalServiceDependency,
    VitalServicePoint,
)

# Valid Swedish GSRNs (GS1 check digit right).
GSRN_A = "735999000000000013"
GSRN_B = "735999000000000020"


async def make_entry(
    db: AsyncSession,
    organisation_id: int,
    name: str,
    *,
    persons: int = 10,
    cannot_leave: int = 0,
    reserve_hours: int | None = None,
    gsrns: tuple[str, ...] = (),
    reviewed_at: datetime | None = None,
    commit: bool = True,
) -> int:
    entry = VitalService(
        organisation_id=organisation_id,
        name=name,
        address="Storgatan 1",
        sector=Sector.HEALTH_CARE,
        persons_served=persons,
        cannot_leave=cannot_leave,
        classification=Classification.INTERNAL,
        reviewed_at=reviewed_at or clock.now(),
    )
    db.add(entry)
    await db.flush()
    assert entry.id is not None
    if reserve_hours is not None:
        db.add(
            VitalServiceDependency(
                service_id=entry.id,
                kind=Dependency.ELECTRICITY,
                backup="Reservkraft",
                lasts_hours=reserve_hours,
            )
        )
    for gsrn in gsrns:
        db.add(VitalServicePoint(service_id=entry.id, gsrn=gsrn))
    if commit:
        await db.commit()
    return entry.id
