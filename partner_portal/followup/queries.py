"""The follow-up's reads: aggregation in the database, never evidence rows loaded into Python.

The matrix is one GROUP BY over the evidence of the period (organisation × process) with
conditional aggregates, plus one query for the organisations: a constant number of queries
whatever the number of organisations or evidence rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.followup.levels import (
    ACCEPTED_KINDS,
    ACTIVE_KINDS,
    COMPLETED_KINDS,
    CONTRIBUTED_KINDS,
    DECLINED_KINDS,
    INVITED_KINDS,
    WITHDRAWN_KINDS,
    Facts,
)
from partner_portal.organisations.models import Organisation, OrganisationKind
from partner_portal.rooms.models import Room, RoomPhase


@dataclass(frozen=True, slots=True)
class Period:
    """[since, until): moments in UTC, from dates in Europe/Stockholm."""

    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrganisationKind
    is_active: bool
    deactivated_at: datetime | None


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    id: int
    occurred_at: datetime
    kind: EvidenceKind
    process: Process | None
    organisation_id: int
    organisation_name: str
    person_name: str | None
    room_name: str | None
    phase_title: str | None
    link: str
    details: dict[str, Any]


def _when(kinds: Collection[EvidenceKind]) -> Any:
    return sa.case((col(Evidence.kind).in_(list(kinds)), col(Evidence.occurred_at)))


def _count(condition: Any) -> Any:
    return sa.func.count(sa.case((condition, 1)))


def _in_period(period: Period) -> Any:
    return sa.and_(
        col(Evidence.occurred_at) >= period.since, col(Evidence.occurred_at) < period.until
    )


async def facts(
    db: AsyncSession,
    period: Period,
    *,
    organisation_ids: Sequence[int] | None = None,
    organisation_kinds: Collection[OrganisationKind] | None = None,
    processes: Sequence[Process] | None = None,
) -> dict[tuple[int, Process], Facts]:
    """(organisation id, process) → Facts, from one aggregate query over the period.
    ``organisation_kinds`` keeps only those organisations' evidence before aggregating (a
    semi-join on the small organisation table), so the default view aggregates a fraction."""
    late = sa.and_(
        col(Evidence.kind).in_((EvidenceKind.ITEM_SUBMITTED, EvidenceKind.STATEMENT_SUBMITTED)),
        col(Evidence.details)["late"].as_boolean().is_(True),
    )
    query = (
        sa.select(
            col(Evidence.organisation_id),
            col(Evidence.process),
            sa.func.max(_when(INVITED_KINDS)).label("invited_at"),
            sa.func.max(_when(ACCEPTED_KINDS)).label("accepted_at"),
            sa.func.max(_when(DECLINED_KINDS)).label("declined_at"),
            sa.func.max(_when(WITHDRAWN_KINDS)).label("withdrawn_at"),
            _count(col(Evidence.kind).in_(list(ACTIVE_KINDS))).label("active"),
            _count(col(Evidence.kind).in_(list(CONTRIBUTED_KINDS))).label("contributed"),
            _count(col(Evidence.kind).in_(list(COMPLETED_KINDS))).label("completed"),
            _count(late).label("late"),
            sa.func.count().label("evidence"),
        )
        .where(_in_period(period), col(Evidence.process).is_not(None))
        .group_by(col(Evidence.organisation_id), col(Evidence.process))
    )
    if organisation_ids is not None:
        query = query.where(col(Evidence.organisation_id).in_(list(organisation_ids)))
    if organisation_kinds is not None:
        query = query.where(col(Evidence.organisation_id).in_(_of_kinds(organisation_kinds)))
    if processes is not None:
        query = query.where(col(Evidence.process).in_(list(processes)))
    result: dict[tuple[int, Process], Facts] = {}
    for row in await db.execute(query):
        values = row._mapping
        result[(values["organisation_id"], Process(values["process"]))] = Facts(
            invited_at=values["invited_at"],
            accepted_at=values["accepted_at"],
            declined_at=values["declined_at"],
            withdrawn_at=values["withdrawn_at"],
            active=values["active"],
            contributed=values["contributed"],
            completed=values["completed"],
            late=values["late"],
            evidence=values["evidence"],
        )
    return result


async def organisations(
    db: AsyncSession, period: Period, *, kinds: Collection[OrganisationKind] | None
) -> list[OrganisationRow]:
    """Organisations of the chosen kinds that existed and were active at some time in the
    period (one deactivated mid-period is still followed up for the part it was there)."""
    query = (
        sa.select(
            col(Organisation.id),
            col(Organisation.name),
            col(Organisation.kind),
            col(Organisation.is_active),
            col(Organisation.deactivated_at),
        )
        .where(
            col(Organisation.created_at) < period.until,
            sa.or_(
                col(Organisation.deactivated_at).is_(None),
                col(Organisation.deactivated_at) >= period.since,
            ),
        )
        .order_by(col(Organisation.kind), col(Organisation.sort_key))
    )
    if kinds is not None:
        query = query.where(col(Organisation.kind).in_(list(kinds)))
    return [OrganisationRow(**row._mapping) for row in await db.execute(query)]


async def evidence(
    db: AsyncSession,
    period: Period,
    *,
    organisation_id: int | None = None,
    process: Process | None = None,
    kinds: Collection[EvidenceKind] | None = None,
    organisation_kinds: Collection[OrganisationKind] | None = None,
    limit: int = 500,
    after_id: int = 0,
) -> list[EvidenceRow]:
    """The evidence itself, for a drill-down or an export page; oldest first, ``after_id`` for
    the next page."""
    query: Any = (
        sa.select(
            col(Evidence.id),
            col(Evidence.occurred_at),
            col(Evidence.kind),
            col(Evidence.process),
            col(Evidence.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(Person.name).label("person_name"),
            col(Room.name).label("room_name"),
            col(RoomPhase.title).label("phase_title"),
            col(Evidence.link),
            col(Evidence.details),
        )
        .join(Organisation, col(Organisation.id) == col(Evidence.organisation_id))
        .outerjoin(Person, col(Person.id) == col(Evidence.person_id))
        .outerjoin(Room, col(Room.id) == col(Evidence.room_id))
        .outerjoin(RoomPhase, col(RoomPhase.id) == col(Evidence.phase_id))
        .where(_in_period(period), col(Evidence.id) > after_id)
        .order_by(col(Evidence.id))
        .limit(limit)
    )
    if organisation_id is not None:
        query = query.where(col(Evidence.organisation_id) == organisation_id)
    if process is not None:
        query = query.where(col(Evidence.process) == process)
    if kinds is not None:
        query = query.where(col(Evidence.kind).in_(list(kinds)))
    if organisation_kinds is not None:
        query = query.where(col(Organisation.kind).in_(list(organisation_kinds)))
    return [EvidenceRow(**row._mapping) for row in await db.execute(query)]


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    organisation_id: int
    position: int
    title: str
    contributed: int
    approved: int
    late: int


async def phase_facts(
    db: AsyncSession,
    period: Period,
    process: Process,
    *,
    organisation_kinds: Collection[OrganisationKind] | None = None,
) -> list[PhaseFacts]:
    """Per organisation and phase (by position, across the process's rooms): what was handed in
    and approved, for organisations of ``organisation_kinds`` (all: None). One aggregate
    query."""
    late = sa.and_(
        col(Evidence.kind) == EvidenceKind.ITEM_SUBMITTED,
        col(Evidence.details)["late"].as_boolean().is_(True),
    )
    query = (
        sa.select(
            col(Evidence.organisation_id),
            col(RoomPhase.position),
            sa.func.min(col(RoomPhase.title)).label("title"),
            _count(col(Evidence.kind) == EvidenceKind.ITEM_SUBMITTED).label("contributed"),
            _count(col(Evidence.kind) == EvidenceKind.ITEM_APPROVED).label("approved"),
            _count(late).label("late"),
        )
        .join(RoomPhase, col(RoomPhase.id) == col(Evidence.phase_id))
        .where(_in_period(period), col(Evidence.process) == process)
        .group_by(col(Evidence.organisation_id), col(RoomPhase.position))
    )
    if organisation_kinds is not None:
        query = query.where(col(Evidence.organisation_id).in_(_of_kinds(organisation_kinds)))
    return [PhaseFacts(**row._mapping) for row in await db.execute(query)]


def _of_kinds(kinds: Collection[OrganisationKind]) -> Any:
    return sa.select(col(Organisation.id)).where(col(Organisation.kind).in_(list(kinds)))


async def phase_titles(db: AsyncSession, process: Process) -> list[tuple[int, str]]:
    """The phases of the process's rooms by position, titled as in the newest room."""
    rows = await db.execute(
        sa.select(col(RoomPhase.position), col(RoomPhase.title), col(Room.id))
        .join(Room, col(Room.id) == col(RoomPhase.room_id))
        .where(col(Room.process) == process)
        .order_by(col(RoomPhase.position), col(Room.id).desc())
    )
    titles: dict[int, str] = {}
    for position, title, _room in rows:
        titles.setdefault(position, title)
    return sorted(titles.items())
