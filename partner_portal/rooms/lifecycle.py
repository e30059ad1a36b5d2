"""A room's life: opening it from a process template, moving it through its phases, adjusting
its copy of the phases and items, and closing it. Each function owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import (
    ItemKind,
    ItemProgress,
    ProcessTemplate,
    Room,
    RoomItem,
    RoomPhase,
    TemplateItem,
    TemplatePhase,
)


@dataclass(frozen=True, slots=True)
class RoomInput:
    """A room to open (rooms/forms.py reads it from the posted form)."""

    name: str
    template_id: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class PhaseInput:
    """The room's copy of a phase, adjusted (rooms/forms.py reads it from the posted form)."""

    title: str
    description: str
    responsible: str
    deadline: date | None


def require_coordinator(actor: CurrentPerson) -> None:
    """Only coordinators run rooms: to anyone else the action does not exist (NotFound)."""
    if not actor.is_coordinator:
        raise NotFound()


@dataclass(frozen=True, slots=True)
class SimilarRoom:
    id: int
    name: str
    starts_on: date
    ends_on: date
    is_closed: bool


class LooksLikeADuplicate(Exception):
    """A room of the same template and name already runs in the period: open another only when
    the coordinator confirms (``allow_duplicate``)."""

    def __init__(self, rooms: list[SimilarRoom]) -> None:
        self.rooms = rooms
        super().__init__(f"{len(rooms)} similar room(s)")


def _same_name(a: str, b: str) -> bool:
    # In Python, not SQL: SQLite's lower() knows no å, ä or ö.
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


async def _similar_rooms(
    db: AsyncSession, template: ProcessTemplate, data: RoomInput
) -> list[SimilarRoom]:
    """Rooms from the same template (any version: the same process) with the same name whose
    period overlaps the new one's."""
    rows = await db.execute(
        sa.select(
            col(Room.id),
            col(Room.name),
            col(Room.starts_on),
            col(Room.ends_on),
            col(Room.is_closed),
        )
        .where(
            col(Room.process) == template.process,
            col(Room.starts_on) <= data.ends_on,
            col(Room.ends_on) >= data.starts_on,
        )
        .order_by(col(Room.starts_on), col(Room.id))
    )
    return [
        SimilarRoom(int(row.id), row.name, row.starts_on, row.ends_on, row.is_closed)
        for row in rows
        if _same_name(row.name, data.name)
    ]


async def open_room(
    db: AsyncSession, *, actor: CurrentPerson, data: RoomInput, allow_duplicate: bool = True
) -> int:
    """Open a room from a template: its phases and items are copied, relative deadlines become
    dates from the room's start. Side effects: room, phases, items; ``room_opened`` audited.
    Commits. Unless ``allow_duplicate``, raises LooksLikeADuplicate (nothing written) when a
    room of the same template and name already runs in the period."""
    require_coordinator(actor)
    template = await db.get(ProcessTemplate, data.template_id)
    if template is None or not template.is_current:
        raise Invalid({"template_id": _("Välj en mall i listan.")})
    if not allow_duplicate and (similar := await _similar_rooms(db, template, data)):
        raise LooksLikeADuplicate(similar)
    room = Room(
        name=data.name,
        process=template.process,
        template_id=template.id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=actor.id,
    )
    db.add(room)
    await db.flush()
    assert room.id is not None
    phases = list(
        await db.scalars(
            sa.select(TemplatePhase)
            .where(col(TemplatePhase.template_id) == template.id)
            .order_by(col(TemplatePhase.position))
        )
    )
    items = list(
        await db.scalars(
            sa.select(TemplateItem).where(col(TemplateItem.phase_id).in_([p.id for p in phases]))
        )
    )
    for phase in phases:
        copy = RoomPhase(
            room_id=room.id,
            position=phase.position,
            title=phase.title,
            description=phase.description,
            responsible=phase.responsible,
            deadline=(
                data.starts_on + timedelta(days=phase.deadline_days)
                if phase.deadline_days is not None
                else None
            ),
        )
        db.add(copy)
        await db.flush()
        assert copy.id is not None
        for item in sorted((i for i in items if i.phase_id == phase.id), key=lambda i: i.position):
            db.add(
                RoomItem(
                    room_id=room.id,
                    phase_id=copy.id,
                    position=item.position,
                    title=item.title,
                    description=item.description,
                    kind=item.kind,
                    questions=item.questions,
                )
            )
    record(
        db,
        AuditAction.ROOM_OPENED,
        actor_id=actor.id,
        object_type="room",
        object_id=room.id,
        name=data.name,
        template=f"{template.name} v{template.version}",
    )
    await db.commit()
    return room.id


async def set_current_phase(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, position: int
) -> None:
    """Move the room to another phase (0: not started). Audited. Commits."""
    require_coordinator(actor)
    count = await db.scalar(
        sa.select(sa.func.count()).where(col(RoomPhase.room_id) == access.room.id)
    )
    if not 0 <= position <= int(count or 0):
        raise Invalid({"position": _("Välj en fas i listan.")})
    room = await db.get(Room, access.room.id)
    assert room is not None
    room.current_position = position
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room",
        object_id=room.id,
        position=position,
    )
    await db.commit()


async def edit_phase(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, phase_id: int, data: PhaseInput
) -> None:
    """Adjust the room's copy of a phase (the template is untouched). Audited. Commits."""
    require_coordinator(actor)
    phase = await db.get(RoomPhase, phase_id)
    if phase is None or phase.room_id != access.room.id:
        raise NotFound()
    phase.title = data.title
    phase.description = data.description
    phase.responsible = data.responsible
    phase.deadline = data.deadline
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=phase_id,
        title=data.title,
        deadline=data.deadline.isoformat() if data.deadline else None,
    )
    await db.commit()


async def add_item(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    phase_id: int,
    title: str,
    kind: ItemKind,
) -> None:
    """Add an item to the room's copy of a phase (the template is untouched). Audited.
    Commits."""
    require_coordinator(actor)
    phase = await db.get(RoomPhase, phase_id)
    if phase is None or phase.room_id != access.room.id:
        raise NotFound()
    if not title or len(title) > 200:
        raise Invalid({"item_title": _("Ange punktens namn (högst 200 tecken).")})
    last = await db.scalar(
        sa.select(sa.func.max(col(RoomItem.position))).where(col(RoomItem.phase_id) == phase_id)
    )
    db.add(
        RoomItem(
            room_id=access.room.id,
            phase_id=phase_id,
            position=int(last or 0) + 1,
            title=title,
            kind=kind,
        )
    )
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=phase_id,
        added_item=title,
    )
    await db.commit()


async def remove_item(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, item_id: int
) -> None:
    """Remove an item from the room, only while no organisation has worked on it (what partners
    did is never destroyed). Audited. Commits."""
    require_coordinator(actor)
    item = await item_in_room(db, access, item_id)
    worked_on = await db.scalar(
        sa.select(sa.func.count()).where(col(ItemProgress.item_id) == item_id)
    )
    if worked_on:
        raise Invalid(
            {
                "item_title": _(
                    "Punkten kan inte tas bort: organisationer har redan arbetat med den."
                )
            }
        )
    await db.delete(item)
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=item.phase_id,
        removed_item=item.title,
    )
    await db.commit()


async def close_room(db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess) -> None:
    require_coordinator(actor)
    room = await db.get(Room, access.room.id)
    assert room is not None
    room.is_closed = True
    record(db, AuditAction.ROOM_CLOSED, actor_id=actor.id, object_type="room", object_id=room.id)
    await db.commit()


async def item_in_room(db: AsyncSession, access: RoomAccess, item_id: int) -> RoomItem:
    """An item of this room; an item of another room, or none, is NotFound."""
    item = await db.get(RoomItem, item_id)
    if item is None or item.room_id != access.room.id:
        raise NotFound()
    return item
