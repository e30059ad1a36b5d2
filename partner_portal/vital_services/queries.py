"""Reads of the register: columns, not entities, each in a bounded number of statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.organisations.models import Organisation
from partner_portal.rooms.models import Classification
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
class DependencyRow:
    kind: Dependency
    backup: str
    lasts_hours: int | None


@dataclass(frozen=True, slots=True)
class EntryRow:
    id: int
    organisation_id: int
    organisation_name: str
    name: str
    address: str
    sector: Sector
    persons_served: int
    cannot_leave: int
    stored_water_litres: int | None
    contact: str
    classification: Classification
    version: int
    updated_at: datetime
    reviewed_at: datetime
    dependencies: tuple[DependencyRow, ...] = ()
    gsrns: tuple[str, ...] = ()

    @property
    def confidential(self) -> bool:
        return self.classification is Classification.CONFIDENTIAL_METADATA_ONLY

    def dependency(self, kind: Dependency) -> DependencyRow | None:
        return next((d for d in self.dependencies if d.kind is kind), None)


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    action: VersionAction
    changed_at: datetime
    changed_by: str | None
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ListRow:
    id: int
    organisation_id: int
    organisation_name: str
    name: str
    sector: Sector
    persons_served: int
    cannot_leave: int
    classification: Classification
    reviewed_at: datetime


@dataclass(slots=True)
class EntryPage:
    entry: EntryRow
    history: list[VersionRow] = field(default_factory=list)


_ENTRY_COLUMNS: tuple[Any, ...] = (
    col(VitalService.id),
    col(VitalService.organisation_id),
    col(Organisation.name).label("organisation_name"),
    col(VitalService.name),
    col(VitalService.address),
    col(VitalService.sector),
    col(VitalService.persons_served),
    col(VitalService.cannot_leave),
    col(VitalService.stored_water_litres),
    col(VitalService.contact),
    col(VitalService.classification),
    col(VitalService.version),
    col(VitalService.updated_at),
    col(VitalService.reviewed_at),
)


async def entry(db: AsyncSession, service_id: int) -> EntryRow | None:
    """One entry with its dependencies and connection points (three statements)."""
    row = (
        await db.execute(
            sa.select(*_ENTRY_COLUMNS)
            .join(Organisation, col(Organisation.id) == col(VitalService.organisation_id))
            .where(col(VitalService.id) == service_id)
        )
    ).first()
    if row is None:
        return None
    dependencies = await db.execute(
        sa.select(
            col(VitalServiceDependency.kind),
            col(VitalServiceDependency.backup),
            col(VitalServiceDependency.lasts_hours),
        )
        .where(col(VitalServiceDependency.service_id) == service_id)
        .order_by(col(VitalServiceDependency.id))
    )
    gsrns = await db.scalars(
        sa.select(col(VitalServicePoint.gsrn))
        .where(col(VitalServicePoint.service_id) == service_id)
        .order_by(col(VitalServicePoint.id))
    )
    order = list(Dependency)
    return EntryRow(
        **row._asdict(),
        dependencies=tuple(
            sorted((DependencyRow(*d) for d in dependencies), key=lambda d: order.index(d.kind))
        ),
        gsrns=tuple(gsrns),
    )


async def history(db: AsyncSession, service_id: int) -> list[VersionRow]:
    rows = await db.execute(
        sa.select(
            col(VitalServiceVersion.version),
            col(VitalServiceVersion.action),
            col(VitalServiceVersion.changed_at),
            col(Person.name),
            col(VitalServiceVersion.changed_fields),
        )
        .outerjoin(Person, col(Person.id) == col(VitalServiceVersion.changed_by))
        .where(col(VitalServiceVersion.service_id) == service_id)
        .order_by(col(VitalServiceVersion.version).desc())
    )
    return [VersionRow(r[0], r[1], r[2], r[3], tuple(r[4] or ())) for r in rows]


def _list_query() -> Any:
    return (
        sa.select(
            col(VitalService.id),
            col(VitalService.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(VitalService.name),
            col(VitalService.sector),
            col(VitalService.persons_served),
            col(VitalService.cannot_leave),
            col(VitalService.classification),
            col(VitalService.reviewed_at),
        )
        .join(Organisation, col(Organisation.id) == col(VitalService.organisation_id))
        .order_by(col(Organisation.sort_key), col(VitalService.name), col(VitalService.id))
    )


async def entries_for(db: AsyncSession, person_id: int, *, everyone: bool) -> list[ListRow]:
    """The entries a person sees: of the organisations they act for, or (a coordinator's
    ``everyone``) all of them. One statement."""
    query = _list_query()
    if not everyone:
        query = query.where(col(VitalService.organisation_id).in_(organisation_ids_of(person_id)))
    return [ListRow(**r._asdict()) for r in await db.execute(query)]


async def acting_organisations(db: AsyncSession, person_id: int) -> list[tuple[int, str]]:
    """The organisations a person acts for, as (id, name), in Swedish order."""
    rows: Any = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .where(col(Organisation.id).in_(organisation_ids_of(person_id)))
        .order_by(col(Organisation.sort_key))
    )
    return [(r[0], r[1]) for r in rows]


async def acts_for(db: AsyncSession, person_id: int, organisation_id: int) -> bool:
    found = await db.scalar(
        sa.select(sa.literal(1)).where(
            col(Organisation.id) == organisation_id,
            col(Organisation.id).in_(organisation_ids_of(person_id)),
        )
    )
    return found is not None


async def organisations_of(db: AsyncSession, service_ids: Iterable[int]) -> dict[int, int]:
    ids: Sequence[int] = list(service_ids)
    if not ids:
        return {}
    rows: Any = await db.execute(
        sa.select(col(VitalService.id), col(VitalService.organisation_id)).where(
            col(VitalService.id).in_(ids)
        )
    )
    return {r[0]: r[1] for r in rows}


def a_year_before(moment: datetime) -> datetime:
    """The same instant a year earlier (29 February: the 28th); an entry reviewed before it is
    due for review."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)
