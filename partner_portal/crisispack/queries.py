"""Reads of a room's crisis pack: its plans' latest published versions, and when each
organisation of the room last downloaded the pack (the priority lists are the deliverables'
reads, the contacts the directory's). Columns, not entities; a constant number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.organisations.models import Organisation
from partner_portal.plans.models import Plan, PlanVersion, PlanVersionSection
from partner_portal.rooms.models import Participation, ParticipationStatus


@dataclass(frozen=True, slots=True)
class SectionRow:
    heading: str
    body: str  # Markdown


@dataclass(frozen=True, slots=True)
class PublishedPlan:
    plan_id: int
    title: str
    number: int
    published_at: datetime
    sections: tuple[SectionRow, ...]


async def published_plans(db: AsyncSession, room_id: int) -> list[PublishedPlan]:
    """Each plan of the room that has a published version, as its latest version reads:
    one statement."""
    rows: Any = await db.execute(
        sa.select(
            col(Plan.id),
            col(PlanVersion.title),
            col(PlanVersion.number),
            col(PlanVersion.published_at),
            col(PlanVersionSection.heading),
            col(PlanVersionSection.body),
        )
        .join(
            PlanVersion,
            sa.and_(
                col(PlanVersion.plan_id) == col(Plan.id),
                col(PlanVersion.number) == col(Plan.latest_version),
            ),
        )
        .outerjoin(PlanVersionSection, col(PlanVersionSection.version_id) == col(PlanVersion.id))
        .where(col(Plan.room_id) == room_id, col(Plan.latest_version) > 0)
        .order_by(col(Plan.id), col(PlanVersionSection.position))
    )
    heads: dict[int, tuple[str, int, datetime]] = {}
    sections: dict[int, list[SectionRow]] = defaultdict(list)
    for plan_id, title, number, published_at, heading, body in rows:
        heads[plan_id] = (title, number, published_at)
        if heading is not None:
            sections[plan_id].append(SectionRow(heading, body))
    return [
        PublishedPlan(plan_id, title, number, published_at, tuple(sections[plan_id]))
        for plan_id, (title, number, published_at) in heads.items()
    ]


@dataclass(frozen=True, slots=True)
class Downloaded:
    organisation_id: int
    name: str
    status: ParticipationStatus
    last_downloaded_at: datetime | None


async def downloads(db: AsyncSession, room_id: int) -> list[Downloaded]:
    """Every organisation invited to the room and when it last downloaded the room's crisis
    pack (from the evidence): one statement."""
    last = (
        sa.select(
            col(Evidence.organisation_id).label("organisation_id"),
            sa.func.max(col(Evidence.occurred_at)).label("at"),
        )
        .where(
            col(Evidence.room_id) == room_id,
            col(Evidence.kind) == EvidenceKind.PACK_DOWNLOADED,
        )
        .group_by(col(Evidence.organisation_id))
        .subquery()
    )
    rows: Any = await db.execute(
        sa.select(
            col(Organisation.id),
            col(Organisation.name),
            col(Participation.status),
            last.c.at,
        )
        .join(Participation, col(Participation.organisation_id) == col(Organisation.id))
        .outerjoin(last, last.c.organisation_id == col(Organisation.id))
        .where(col(Participation.room_id) == room_id)
        .order_by(col(Organisation.sort_key), col(Organisation.id))
    )
    return [Downloaded(*row) for row in rows]
