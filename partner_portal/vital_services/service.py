"""Rules for keeping the register. Each function owns its transaction and commits.

Only people who act for the entry's organisation keep it (a coordinator reads). Every save that
changes something, and every "stämmer fortfarande", writes a version: the whole entry as saved
and the names of the fields that changed, with who and when. An entry labelled "confidential –
metadata only" keeps its name, sector and label and nothing else, also in its versions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.models import Classification
from partner_portal.vital_services import queries
from partner_portal.vital_services.access import EntryAccess
from partner_portal.vital_services.models import (
    Dependency,
    Sector,
    VersionAction,
    VitalService,
    VitalServiceDependency,
    VitalServicePoint,
    VitalServiceVersion,
)


@dataclass(frozen=True, slots=True)
class DependencyInput:
    kind: Dependency
    backup: str
    lasts_hours: int | None


@dataclass(frozen=True, slots=True)
class EntryInput:
    name: str
    address: str
    sector: Sector
    persons_served: int
    cannot_leave: int
    stored_water_litres: int | None
    contact: str
    classification: Classification
    dependencies: tuple[DependencyInput, ...]
    gsrns: tuple[str, ...]

    def stored(self) -> EntryInput:
        """What may be stored: for a confidential entry, only its name, sector and label."""
        if self.classification is not Classification.CONFIDENTIAL_METADATA_ONLY:
            return self
        return replace(
            self,
            address="",
            persons_served=0,
            cannot_leave=0,
            stored_water_litres=None,
            contact="",
            dependencies=(),
            gsrns=(),
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": self.address,
            "sector": self.sector.value,
            "persons_served": self.persons_served,
            "cannot_leave": self.cannot_leave,
            "stored_water_litres": self.stored_water_litres,
            "contact": self.contact,
            "classification": self.classification.value,
            "dependencies": {
                d.kind.value: [d.backup, d.lasts_hours]
                for d in sorted(self.dependencies, key=lambda d: d.kind.value)
            },
            "gsrns": sorted(self.gsrns),
        }


def input_of(entry: queries.EntryRow) -> EntryInput:
    """The entry as it is stored, as an input (for comparing and for filling the form)."""
    return EntryInput(
        name=entry.name,
        address=entry.address,
        sector=entry.sector,
        persons_served=entry.persons_served,
        cannot_leave=entry.cannot_leave,
        stored_water_litres=entry.stored_water_litres,
        contact=entry.contact,
        classification=entry.classification,
        dependencies=tuple(
            DependencyInput(d.kind, d.backup, d.lasts_hours) for d in entry.dependencies
        ),
        gsrns=entry.gsrns,
    )


def _fill(service: VitalService, data: EntryInput) -> None:
    service.name = data.name
    service.address = data.address
    service.sector = data.sector
    service.persons_served = data.persons_served
    service.cannot_leave = data.cannot_leave
    service.stored_water_litres = data.stored_water_litres
    service.contact = data.contact
    service.classification = data.classification


async def _write_parts(db: AsyncSession, service_id: int, data: EntryInput) -> None:
    await db.execute(
        sa.delete(VitalServiceDependency).where(
            col(VitalServiceDependency.service_id) == service_id
        )
    )
    await db.execute(
        sa.delete(VitalServicePoint).where(col(VitalServicePoint.service_id) == service_id)
    )
    for dependency in data.dependencies:
        db.add(
            VitalServiceDependency(
                service_id=service_id,
                kind=dependency.kind,
                backup=dependency.backup,
                lasts_hours=dependency.lasts_hours,
            )
        )
    for gsrn in data.gsrns:
        db.add(VitalServicePoint(service_id=service_id, gsrn=gsrn))


def _version(
    db: AsyncSession,
    service: VitalService,
    action: VersionAction,
    actor_id: int,
    snapshot: dict[str, Any],
    changed: list[str],
) -> None:
    assert service.id is not None
    db.add(
        VitalServiceVersion(
            service_id=service.id,
            version=service.version,
            action=action,
            changed_at=service.updated_at if action is not VersionAction.REVIEWED else clock.now(),
            changed_by=actor_id,
            changed_fields=changed,
            snapshot=snapshot,
        )
    )


async def create_entry(
    db: AsyncSession, *, actor_id: int, organisation_id: int, data: EntryInput
) -> int:
    """Add an entry to an organisation's register.

    Side effects: the vital_service row, its dependencies and points, version 1. Commits.
    Raises Invalid (key "organisation_id") unless the actor acts for the organisation.
    """
    if not await queries.acts_for(db, actor_id, organisation_id):
        raise Invalid({"organisation_id": _("Välj en organisation som du företräder.")})
    data = data.stored()
    now = clock.now()
    service = VitalService(
        organisation_id=organisation_id,
        name=data.name,
        sector=data.sector,
        classification=data.classification,
        created_at=now,
        updated_at=now,
        updated_by=actor_id,
        reviewed_at=now,
    )
    _fill(service, data)
    db.add(service)
    await db.flush()
    assert service.id is not None
    await _write_parts(db, service.id, data)
    _version(db, service, VersionAction.CREATED, actor_id, data.snapshot(), [])
    await db.commit()
    return service.id


async def _kept(db: AsyncSession, access: EntryAccess) -> VitalService:
    if not access.may_keep:
        raise NotFound()  # a coordinator reads the register; the organisation keeps it
    service = await db.get(VitalService, access.entry.id)
    if service is None:
        raise NotFound()
    return service


async def update_entry(
    db: AsyncSession, *, actor_id: int, access: EntryAccess, data: EntryInput
) -> list[str]:
    """Change an entry; returns the names of the fields that changed (none: nothing written).

    A change also counts as this year's review. Side effects: the entry, its dependencies and
    points, a new version. Commits. Raises NotFound for someone who does not keep the entry.
    """
    service = await _kept(db, access)
    data = data.stored()
    before = input_of(access.entry).snapshot()
    after = data.snapshot()
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return []
    now = clock.now()
    _fill(service, data)
    service.version += 1
    service.updated_at = now
    service.updated_by = actor_id
    service.reviewed_at = now
    assert service.id is not None
    await _write_parts(db, service.id, data)
    _version(db, service, VersionAction.CHANGED, actor_id, after, changed)
    await db.commit()
    return changed


async def confirm_still_right(db: AsyncSession, *, actor_id: int, access: EntryAccess) -> None:
    """ "Stämmer fortfarande": the entry is reviewed as it stands.

    Side effects: reviewed_at, a new version (action reviewed, nothing changed). Commits.
    Raises NotFound for someone who does not keep the entry.
    """
    service = await _kept(db, access)
    service.version += 1
    service.reviewed_at = clock.now()
    _version(db, service, VersionAction.REVIEWED, actor_id, input_of(access.entry).snapshot(), [])
    await db.commit()
