"""Reads of deliverables: columns, not entities, in a constant number of queries per call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.deliverables.gsrn import format_gsrn
from partner_portal.deliverables.models import (
    ConnectionPoint,
    ReadinessStatus,
    StyrelUser,
    WarOrganisation,
    WaterCategory,
    WaterNeed,
)
from partner_portal.organisations.models import Organisation
from partner_portal.rooms import deliverable_rows
from partner_portal.rooms.models import Classification, ItemKind, ItemProgress, ProgressStatus

# Livsmedelsverket's reference: 3–5 litres per person and day at first, 10–15 after some days;
# below the first days' minimum is worth a warning.
MIN_LITRES_PER_PERSON = 3
# What the coordinator's export shows: what organisations have handed in, nothing in draft.
_HANDED_IN = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class PointRow:
    id: int
    gsrn: str
    priority_class: int

    @property
    def gsrn_display(self) -> str:
        return format_gsrn(self.gsrn)


@dataclass(frozen=True, slots=True)
class StyrelUserRow:
    id: int
    position: int
    name: str
    activity: str
    priority_class: int
    justification: str
    address: str
    grid_company: str
    updated_at: datetime
    points: tuple[PointRow, ...]


@dataclass(frozen=True, slots=True)
class WaterNeedRow:
    id: int
    position: int
    site: str
    category: WaterCategory
    persons: int
    litres_per_day: int
    vulnerable: int
    own_tank: bool
    note: str
    updated_at: datetime

    @property
    def below_minimum(self) -> bool:
        return self.litres_per_day < MIN_LITRES_PER_PERSON * self.persons


@dataclass(frozen=True, slots=True)
class ReadinessRow:
    war_organisation: WarOrganisation
    security_analysis_done: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StyrelExportRow:
    """One connection point with its electricity user: one line of planeringsdokument 1."""

    organisation_id: int
    organisation_name: str
    user_id: int
    user_name: str
    activity: str
    user_class: int
    justification: str
    address: str
    grid_company: str
    gsrn: str
    point_class: int
    status: ProgressStatus


@dataclass(frozen=True, slots=True)
class WaterExportRow:
    organisation_id: int
    organisation_name: str
    site: str
    category: WaterCategory
    persons: int
    litres_per_day: int
    vulnerable: int
    own_tank: bool
    note: str
    status: ProgressStatus


async def styrel_users(db: AsyncSession, progress_id: int) -> list[StyrelUserRow]:
    """The electricity users of one progress row with their points: two queries, whatever the
    number of users and points."""
    users: Any = (
        sa.select(
            col(StyrelUser.id),
            col(StyrelUser.position),
            col(StyrelUser.name),
            col(StyrelUser.activity),
            col(StyrelUser.priority_class),
            col(StyrelUser.justification),
            col(StyrelUser.address),
            col(StyrelUser.grid_company),
            col(StyrelUser.updated_at),
        )
        .where(col(StyrelUser.progress_id) == progress_id)
        .order_by(col(StyrelUser.position), col(StyrelUser.id))
    )
    points: Any = (
        sa.select(
            col(ConnectionPoint.user_id),
            col(ConnectionPoint.id),
            col(ConnectionPoint.gsrn),
            col(ConnectionPoint.priority_class),
        )
        .join(StyrelUser, col(StyrelUser.id) == col(ConnectionPoint.user_id))
        .where(col(StyrelUser.progress_id) == progress_id)
        .order_by(col(ConnectionPoint.position), col(ConnectionPoint.id))
    )
    by_user: dict[int, list[PointRow]] = defaultdict(list)
    for row in await db.execute(points):
        by_user[row.user_id].append(PointRow(row.id, row.gsrn, row.priority_class))
    return [
        StyrelUserRow(**row._mapping, points=tuple(by_user.get(row.id, ())))
        for row in await db.execute(users)
    ]


async def water_needs(db: AsyncSession, progress_id: int) -> list[WaterNeedRow]:
    query: Any = (
        sa.select(
            col(WaterNeed.id),
            col(WaterNeed.position),
            col(WaterNeed.site),
            col(WaterNeed.category),
            col(WaterNeed.persons),
            col(WaterNeed.litres_per_day),
            col(WaterNeed.vulnerable),
            col(WaterNeed.own_tank),
            col(WaterNeed.note),
            col(WaterNeed.updated_at),
        )
        .where(col(WaterNeed.progress_id) == progress_id)
        .order_by(col(WaterNeed.position), col(WaterNeed.id))
    )
    return [WaterNeedRow(**row._mapping) for row in await db.execute(query)]


async def readiness(db: AsyncSession, progress_id: int) -> ReadinessRow | None:
    query: Any = sa.select(
        col(ReadinessStatus.war_organisation),
        col(ReadinessStatus.security_analysis_done),
        col(ReadinessStatus.updated_at),
    ).where(col(ReadinessStatus.progress_id) == progress_id)
    row = (await db.execute(query)).one_or_none()
    return ReadinessRow(**row._mapping) if row else None


def _export_scope(query: Any, room_id: int, organisation_id: int | None) -> Any:
    """The coordinator (no organisation) sees what was handed in; an organisation sees its own
    rows in any state. Neither sees rows under a "confidential – metadata only" label: the
    content went another way and does not leave the portal by this route either."""
    query = query.where(
        col(ItemProgress.room_id) == room_id,
        col(ItemProgress.classification) != Classification.CONFIDENTIAL_METADATA_ONLY,
    )
    if organisation_id is None:
        return query.where(col(ItemProgress.status).in_(_HANDED_IN))
    return query.where(col(ItemProgress.organisation_id) == organisation_id)


async def styrel_rows_for_room(
    db: AsyncSession, room_id: int, *, organisation_id: int | None = None
) -> list[StyrelExportRow]:
    """One row per connection point, with its user and organisation; one query."""
    query: Any = (
        sa.select(
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name).label("organisation_name"),
            col(StyrelUser.id).label("user_id"),
            col(StyrelUser.name).label("user_name"),
            col(StyrelUser.activity),
            col(StyrelUser.priority_class).label("user_class"),
            col(StyrelUser.justification),
            col(StyrelUser.address),
            col(StyrelUser.grid_company),
            col(ConnectionPoint.gsrn),
            col(ConnectionPoint.priority_class).label("point_class"),
            col(ItemProgress.status),
        )
        .select_from(ConnectionPoint)
        .join(StyrelUser, col(StyrelUser.id) == col(ConnectionPoint.user_id))
        .join(ItemProgress, col(ItemProgress.id) == col(StyrelUser.progress_id))
        .join(Organisation, col(Organisation.id) == col(ItemProgress.organisation_id))
        .order_by(
            col(Organisation.sort_key),
            col(Organisation.id),
            col(StyrelUser.position),
            col(StyrelUser.id),
            col(ConnectionPoint.position),
            col(ConnectionPoint.id),
        )
    )
    query = _export_scope(query, room_id, organisation_id)
    return [StyrelExportRow(**row._mapping) for row in await db.execute(query)]


async def water_rows_for_room(
    db: AsyncSession, room_id: int, *, organisation_id: int | None = None
) -> list[WaterExportRow]:
    """One row per site, with its organisation; one query."""
    query: Any = (
        sa.select(
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name).label("organisation_name"),
            col(WaterNeed.site),
            col(WaterNeed.category),
            col(WaterNeed.persons),
            col(WaterNeed.litres_per_day),
            col(WaterNeed.vulnerable),
            col(WaterNeed.own_tank),
            col(WaterNeed.note),
            col(ItemProgress.status),
        )
        .select_from(WaterNeed)
        .join(ItemProgress, col(ItemProgress.id) == col(WaterNeed.progress_id))
        .join(Organisation, col(Organisation.id) == col(ItemProgress.organisation_id))
        .order_by(
            col(Organisation.sort_key),
            col(Organisation.id),
            col(WaterNeed.position),
            col(WaterNeed.id),
        )
    )
    query = _export_scope(query, room_id, organisation_id)
    return [WaterExportRow(**row._mapping) for row in await db.execute(query)]


# What rooms show on, and check before handing in, an item of each structured kind (rooms never
# import this feature; see partner_portal.rooms.deliverable_rows).
deliverable_rows.register(ItemKind.STYREL_USERS, styrel_users)
deliverable_rows.register(ItemKind.WATER_NEEDS, water_needs)
deliverable_rows.register(ItemKind.READINESS_STATUS, readiness)
