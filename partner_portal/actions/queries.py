"""Reads about actions: columns, not entities; one query per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import Action, ActionSource, ActionStatus
from partner_portal.auth.models import Person
from partner_portal.organisations.acting import organisation_ids_of
from partner_portal.organisations.models import Organisation
from partner_portal.rooms.models import Room, RoomPhase
from partner_portal.rooms.visibility import my_room_ids

# The organisations invited to a meeting, read by the table's name as the model's foreign key
# names it: meetings sit above actions (they make actions from their decisions), so actions
# import nothing of theirs.
_MEETING_ORGANISATION = sa.table(
    "meeting_organisation",
    sa.column("meeting_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
)


def _my_invited_meeting_ids(person_id: int) -> Any:
    """The meetings the person's organisations are invited to, as a subquery."""
    return sa.select(_MEETING_ORGANISATION.c.meeting_id).where(
        _MEETING_ORGANISATION.c.organisation_id.in_(organisation_ids_of(person_id))
    )


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    title: str
    description: str
    organisation_id: int
    organisation_name: str
    person_id: int | None
    person_name: str | None
    due_on: date
    status: ActionStatus
    source_type: ActionSource
    source_id: int
    source_link: str
    room_id: int | None
    room_name: str | None
    meeting_id: int | None
    completed_at: datetime | None
    personal_data_free: bool = False  # in a forum marked so (VPC): its page says so

    def overdue(self, today: date) -> bool:
        return self.status is not ActionStatus.DONE and self.due_on < today


def visible_to(person_id: int) -> sa.ColumnElement[bool]:
    """Actions of the person's organisations, and those of the rooms and meetings they see."""
    return sa.or_(
        col(Action.organisation_id).in_(organisation_ids_of(person_id)),
        sa.and_(col(Action.room_id).is_not(None), col(Action.room_id).in_(my_room_ids(person_id))),
        sa.and_(
            col(Action.room_id).is_(None),
            col(Action.meeting_id).is_not(None),
            col(Action.meeting_id).in_(_my_invited_meeting_ids(person_id)),
        ),
    )


def _columns() -> Any:
    return (
        sa.select(
            col(Action.id),
            col(Action.title),
            col(Action.description),
            col(Action.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(Action.person_id),
            col(Person.name).label("person_name"),
            col(Action.due_on),
            col(Action.status),
            col(Action.source_type),
            col(Action.source_id),
            col(Action.source_link),
            col(Action.room_id),
            col(Room.name).label("room_name"),
            col(Action.meeting_id),
            col(Action.completed_at),
            sa.func.coalesce(col(Room.personal_data_free), sa.false()).label("personal_data_free"),
        )
        .join(Organisation, col(Organisation.id) == col(Action.organisation_id))
        .outerjoin(Person, col(Person.id) == col(Action.person_id))
        .outerjoin(Room, col(Room.id) == col(Action.room_id))
    )


async def action(db: AsyncSession, action_id: int) -> ActionRow | None:
    row = (await db.execute(_columns().where(col(Action.id) == action_id))).one_or_none()
    return ActionRow(**row._mapping) if row else None


async def actions_for(
    db: AsyncSession,
    person_id: int,
    *,
    everything: bool,
    room_id: int | None = None,
    limit: int = 500,
) -> list[ActionRow]:
    """Every action the person may see (all, for coordinators): open ones first, by due date."""
    query = (
        _columns()
        .order_by(
            (col(Action.status) == ActionStatus.DONE).asc(), col(Action.due_on), col(Action.id)
        )
        .limit(limit)
    )
    if not everything:
        query = query.where(visible_to(person_id))
    if room_id is not None:
        query = query.where(col(Action.room_id) == room_id)
    return [ActionRow(**row._mapping) for row in await db.execute(query)]


async def waiting_for(db: AsyncSession, person_id: int, *, limit: int = 100) -> list[ActionRow]:
    """What the person's organisations still have to do: open and in-progress actions."""
    query = (
        _columns()
        .where(
            col(Action.organisation_id).in_(organisation_ids_of(person_id)),
            col(Action.status) != ActionStatus.DONE,
        )
        .order_by(col(Action.due_on), col(Action.id))
        .limit(limit)
    )
    return [ActionRow(**row._mapping) for row in await db.execute(query)]


async def from_meeting(db: AsyncSession, meeting_id: int) -> list[ActionRow]:
    query = _columns().where(col(Action.meeting_id) == meeting_id).order_by(col(Action.id))
    return [ActionRow(**row._mapping) for row in await db.execute(query)]


async def phase_choices(db: AsyncSession) -> list[tuple[int, str]]:
    """(phase id, "room – phase") for the phases of open rooms, for the coordinator's form."""
    rows: Any = await db.execute(
        sa.select(col(RoomPhase.id), col(Room.name).label("room_name"), col(RoomPhase.title))
        .join(Room, col(Room.id) == col(RoomPhase.room_id))
        .where(col(Room.is_closed).is_(False))
        .order_by(col(Room.name), col(Room.id), col(RoomPhase.position))
    )
    return [(row.id, f"{row.room_name} – {row.title}") for row in rows]


async def room_of_phase(db: AsyncSession, phase_id: int) -> int | None:
    value: int | None = await db.scalar(
        sa.select(col(RoomPhase.room_id)).where(col(RoomPhase.id) == phase_id)
    )
    return value
