"""Reads about rooms: columns, not entities; a constant number of queries per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.organisations.acting import acting_for
from partner_portal.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from partner_portal.platform.beside import beside, split
from partner_portal.platform.db import UTCDateTime, read
from partner_portal.reminders.queries import last_in_room
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
)

VISIBLE = (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED)


@dataclass(frozen=True, slots=True)
class RoomRow:
    id: int
    name: str
    process: Process
    starts_on: date
    ends_on: date
    current_position: int
    is_closed: bool
    personal_data_free: bool = False


@dataclass(frozen=True, slots=True)
class PhaseRow:
    id: int
    position: int
    title: str
    description: str
    responsible: str
    deadline: date | None


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    phase_id: int
    position: int
    title: str
    description: str
    kind: ItemKind


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    organisation_id: int
    name: str
    kind: OrganisationKind
    status: ParticipationStatus
    invited_at: datetime
    responded_at: datetime | None
    decline_reason: str | None
    reminded_at: datetime | None = None  # the organisation's last reminder about the room


@dataclass(frozen=True, slots=True)
class ProgressRow:
    id: int
    item_id: int
    organisation_id: int
    status: ProgressStatus
    classification: Classification
    note: str
    updated_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str


@dataclass(frozen=True, slots=True)
class ActivityRow:
    occurred_at: datetime
    kind: EvidenceKind
    organisation_name: str
    person_name: str | None


def _room_columns() -> Any:
    return sa.select(
        col(Room.id),
        col(Room.name),
        col(Room.process),
        col(Room.starts_on),
        col(Room.ends_on),
        col(Room.current_position),
        col(Room.is_closed),
        col(Room.personal_data_free),
    )


async def room(db: AsyncSession, room_id: int) -> RoomRow | None:
    row = (await db.execute(_room_columns().where(col(Room.id) == room_id))).one_or_none()
    return RoomRow(**row._mapping) if row else None


async def rooms_for(db: AsyncSession, person_id: int, *, everything: bool) -> list[RoomRow]:
    """Rooms the person may see: all (coordinators), or those their organisations are in."""
    query = _room_columns().order_by(col(Room.is_closed), col(Room.starts_on).desc())
    if not everything:
        mine = (
            sa.select(col(Participation.room_id))
            .join(
                Membership,
                col(Membership.organisation_id) == col(Participation.organisation_id),
            )
            .join(Organisation, col(Organisation.id) == col(Participation.organisation_id))
            .where(
                col(Membership.person_id) == person_id,
                acting_for(),
                col(Participation.status).in_(VISIBLE),
            )
        )
        query = query.where(col(Room.id).in_(mine))
    return [RoomRow(**row._mapping) for row in await db.execute(query)]


def _my_organisations_in(room_id: Any, person_id: Any) -> Any:
    """The person's organisations invited to or taking part in the room, with their role."""
    return (
        sa.select(
            col(Participation.room_id),
            col(Membership.organisation_id),
            col(Membership.role),
            col(Participation.status),
        )
        .join(
            Participation,
            sa.and_(
                col(Participation.organisation_id) == col(Membership.organisation_id),
                col(Participation.room_id) == room_id,
            ),
        )
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .where(
            col(Membership.person_id) == person_id,
            acting_for(),
            col(Participation.status).in_(VISIBLE),
        )
        .subquery("mine")
    )


def _room_access_statement() -> Any:
    mine = _my_organisations_in(sa.bindparam("room_id"), sa.bindparam("person_id"))
    return (
        _room_columns()
        .add_columns(mine.c.organisation_id, mine.c.role, mine.c.status)
        .outerjoin(mine, mine.c.room_id == col(Room.id))
        .where(col(Room.id) == sa.bindparam("room_id"))
    )


# Built once: the statement every room URL runs first (SQLAlchemy then reuses its compiled form
# without working out a cache key from a new statement object on each request).
ROOM_ACCESS = _room_access_statement()

_ROOM_FIELDS = (
    "id",
    "name",
    "process",
    "starts_on",
    "ends_on",
    "current_position",
    "is_closed",
    "personal_data_free",
)


def room_access_rows(
    rows: Sequence[Any],
) -> tuple[RoomRow | None, dict[int, tuple[MembershipRole, ParticipationStatus]]]:
    """The room and the person's organisations in it, from ROOM_ACCESS's rows (one per
    organisation, or one with no organisation; none when there is no such room)."""
    if not rows:
        return None, {}
    first = rows[0]._mapping
    room = RoomRow(**{name: first[name] for name in _ROOM_FIELDS})
    mine = {
        row.organisation_id: (row.role, row.status)
        for row in rows
        if row.organisation_id is not None
    }
    return room, mine


async def room_access(
    db: AsyncSession, person_id: int, room_id: int
) -> tuple[RoomRow | None, dict[int, tuple[MembershipRole, ParticipationStatus]]]:
    """The room and the person's organisations in it, in one query."""
    rows = await read(db, ROOM_ACCESS, {"room_id": room_id, "person_id": person_id})
    return room_access_rows(rows)


async def phases(db: AsyncSession, room_id: int) -> list[PhaseRow]:
    rows = await db.execute(
        sa.select(
            col(RoomPhase.id),
            col(RoomPhase.position),
            col(RoomPhase.title),
            col(RoomPhase.description),
            col(RoomPhase.responsible),
            col(RoomPhase.deadline),
        )
        .where(col(RoomPhase.room_id) == room_id)
        .order_by(col(RoomPhase.position))
    )
    return [PhaseRow(**row._mapping) for row in rows]


async def items(db: AsyncSession, room_id: int) -> list[ItemRow]:
    rows = await db.execute(
        sa.select(
            col(RoomItem.id),
            col(RoomItem.phase_id),
            col(RoomItem.position),
            col(RoomItem.title),
            col(RoomItem.description),
            col(RoomItem.kind),
        )
        .where(col(RoomItem.room_id) == room_id)
        .order_by(col(RoomItem.phase_id), col(RoomItem.position))
    )
    return [ItemRow(**row._mapping) for row in rows]


_PROGRESS_FIELDS = tuple(ProgressRow.__dataclass_fields__)
_PROGRESS = (
    col(ItemProgress.id),
    col(ItemProgress.item_id),
    col(ItemProgress.organisation_id),
    col(ItemProgress.status),
    col(ItemProgress.classification),
    col(ItemProgress.note),
    col(ItemProgress.updated_at),
    col(ItemProgress.submitted_at),
    col(ItemProgress.reviewed_at),
    col(ItemProgress.review_comment),
)


def _room_plan_statement() -> Any:
    """Phases, their items and every organisation's progress on each: one row per progress
    row (or per item without any, or per phase without items), in order."""
    return (
        sa.select(
            col(RoomPhase.id),
            col(RoomPhase.position),
            col(RoomPhase.title),
            col(RoomPhase.description),
            col(RoomPhase.responsible),
            col(RoomPhase.deadline),
            col(RoomItem.id).label("item_id"),
            col(RoomItem.position).label("item_position"),
            col(RoomItem.title).label("item_title"),
            col(RoomItem.description).label("item_description"),
            col(RoomItem.kind).label("item_kind"),
            *(
                column.label(f"progress_{name}")
                for name, column in zip(_PROGRESS_FIELDS, _PROGRESS, strict=True)
            ),
        )
        .outerjoin(RoomItem, col(RoomItem.phase_id) == col(RoomPhase.id))
        .outerjoin(
            ItemProgress,
            sa.and_(
                col(ItemProgress.item_id) == col(RoomItem.id),
                col(ItemProgress.room_id) == col(RoomPhase.room_id),
            ),
        )
        .where(col(RoomPhase.room_id) == sa.bindparam("room_id"))
        .order_by(col(RoomPhase.position), col(RoomItem.position))
    )


_ROOM_PLAN = _room_plan_statement()


@dataclass(frozen=True, slots=True)
class RoomPlan:
    phases: list[PhaseRow]
    items: list[ItemRow]  # by phase, in order
    progress: list[ProgressRow]


async def room_plan(db: AsyncSession, room_id: int) -> RoomPlan:
    """The room's phases in order, their items and the organisations' progress on them, in
    one query."""
    rows: Any = await read(db, _ROOM_PLAN, {"room_id": room_id})
    phases: dict[int, PhaseRow] = {}
    items: dict[int, ItemRow] = {}
    progress: list[ProgressRow] = []
    for row in rows:
        if row.id not in phases:
            phases[row.id] = PhaseRow(
                id=row.id,
                position=row.position,
                title=row.title,
                description=row.description,
                responsible=row.responsible,
                deadline=row.deadline,
            )
        if row.item_id is not None and row.item_id not in items:
            items[row.item_id] = ItemRow(
                id=row.item_id,
                phase_id=row.id,
                position=row.item_position,
                title=row.item_title,
                description=row.item_description,
                kind=row.item_kind,
            )
        if row.progress_id is not None:
            mapping = row._mapping
            progress.append(
                ProgressRow(**{name: mapping[f"progress_{name}"] for name in _PROGRESS_FIELDS})
            )
    return RoomPlan(list(phases.values()), list(items.values()), progress)


_PARTICIPANT_FIELDS = tuple(ParticipantRow.__dataclass_fields__)


def _participants_statement(room_id: Any) -> Any:
    return (
        sa.select(
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name),
            col(Organisation.kind),
            col(Participation.status),
            col(Participation.invited_at),
            col(Participation.responded_at),
            col(Participation.decline_reason),
            sa.type_coerce(
                last_in_room(col(Organisation.id), col(Participation.room_id)), UTCDateTime
            ).label("reminded_at"),
            col(Organisation.sort_key),
        )
        .join(Organisation, col(Organisation.id) == col(Participation.organisation_id))
        .where(col(Participation.room_id) == room_id)
    )


async def participants(db: AsyncSession, room_id: int) -> list[ParticipantRow]:
    rows: Any = await db.execute(
        _participants_statement(room_id).order_by(col(Organisation.sort_key))
    )
    return [
        ParticipantRow(**{name: row._mapping[name] for name in _PARTICIPANT_FIELDS}) for row in rows
    ]


# Built once: the room page's first query — the room, the person's organisations in it (what
# access is decided on) and, beside them, every organisation invited to it.
_ROOM_PAGE = beside(
    ROOM_ACCESS, _participants_statement(sa.bindparam("room_id")), order_by=("sort_key",)
)


async def room_access_and_participants(
    db: AsyncSession, person_id: int, room_id: int
) -> tuple[
    RoomRow | None, dict[int, tuple[MembershipRole, ParticipationStatus]], list[ParticipantRow]
]:
    """:func:`room_access` and :func:`participants` in one query."""
    rows = await read(db, _ROOM_PAGE, {"room_id": room_id, "person_id": person_id})
    own, theirs = split(rows, ROOM_ACCESS)
    room, mine = room_access_rows(own)
    return (
        room,
        mine,
        [ParticipantRow(**{name: row[name] for name in _PARTICIPANT_FIELDS}) for row in theirs],
    )


async def progress_in_room(
    db: AsyncSession, room_id: int, *, organisation_ids: Sequence[int] | None = None
) -> list[ProgressRow]:
    query = sa.select(*_PROGRESS).where(col(ItemProgress.room_id) == room_id)
    if organisation_ids is not None:
        query = query.where(col(ItemProgress.organisation_id).in_(list(organisation_ids)))
    return [ProgressRow(**row._mapping) for row in await db.execute(query)]


# The room's feed: its latest evidence, newest first (room_id, limit).
ACTIVITY: Any = (
    sa.select(
        col(Evidence.occurred_at),
        col(Evidence.kind),
        col(Organisation.name).label("organisation_name"),
        col(Person.name).label("person_name"),
    )
    .join(Organisation, col(Organisation.id) == col(Evidence.organisation_id))
    .outerjoin(Person, col(Person.id) == col(Evidence.person_id))
    .where(col(Evidence.room_id) == sa.bindparam("room_id"))
    .order_by(col(Evidence.occurred_at).desc(), col(Evidence.id).desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)


async def activity(db: AsyncSession, room_id: int, *, limit: int = 30) -> list[ActivityRow]:
    """The room's feed, built from its participation evidence; newest first. (The statement
    is built once: building it was most of what the feed cost.)"""
    rows: Any = await read(db, ACTIVITY, {"room_id": room_id, "limit": limit})
    return [ActivityRow(*row) for row in rows]
