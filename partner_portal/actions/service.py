"""Rules for actions: creating one (from a meeting decision or a room's phase) and moving it
through öppen → pågår → klar. Completing one is participation evidence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.access import ActionAccess
from partner_portal.actions.models import Action, ActionSource, ActionStatus
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.organisations.acting import current_membership
from partner_portal.organisations.models import Membership
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.access import room_for
from partner_portal.rooms.models import Participation, Room, RoomPhase
from partner_portal.rooms.queries import VISIBLE


@dataclass(frozen=True, slots=True)
class ActionInput:
    title: str
    description: str
    organisation_id: int
    person_id: int | None
    due_on: date


def action_path(action_id: int) -> str:
    return paths.fill(paths.ACTION, action_id=action_id)


async def add_action(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    data: ActionInput,
    source_type: ActionSource,
    source_id: int,
    source_link: str,
    allowed_organisations: Collection[int],
    room_id: int | None = None,
    meeting_id: int | None = None,
) -> Action:
    """Add an action to the caller's transaction (the caller commits). The owner must be one of
    ``allowed_organisations``, the person (if any) someone acting for it. Side effects: the
    action row, ``action_created`` audited. Errors are keyed like the action form's fields."""
    if data.organisation_id not in allowed_organisations:
        raise Invalid({"action_organisation": _("Välj en organisation i listan.")})
    if data.person_id is not None:
        member = await db.scalar(
            sa.select(col(Membership.id)).where(
                col(Membership.person_id) == data.person_id,
                col(Membership.organisation_id) == data.organisation_id,
                current_membership(),
            )
        )
        if member is None:
            raise Invalid(
                {"action_person": _("Personen företräder inte den valda organisationen.")}
            )
    action = Action(
        title=data.title,
        description=data.description,
        organisation_id=data.organisation_id,
        person_id=data.person_id,
        due_on=data.due_on,
        status=ActionStatus.OPEN,
        source_type=source_type,
        source_id=source_id,
        source_link=source_link,
        room_id=room_id,
        meeting_id=meeting_id,
        created_by=actor.id,
    )
    db.add(action)
    await db.flush()
    assert action.id is not None
    record(
        db,
        AuditAction.ACTION_CREATED,
        actor_id=actor.id,
        object_type="action",
        object_id=action.id,
        organisation_id=data.organisation_id,
        source=f"{source_type.value}:{source_id}",
    )
    return action


async def create_phase_action(
    db: AsyncSession, *, actor: CurrentPerson, phase_id: int, data: ActionInput
) -> int:
    """The coordinator gives an organisation taking part in a room an action from one of the
    room's phases. Side effects: see :func:`add_action`. Commits."""
    if not actor.is_coordinator:
        raise NotFound()
    phase = await db.get(RoomPhase, phase_id)
    if phase is None:
        raise Invalid({"phase": _("Välj en fas i listan.")})
    access = await room_for(db, actor, phase.room_id)
    if access.room.is_closed:
        raise Invalid({"phase": _("Rummet är stängt.")})
    participants = set(
        await db.scalars(
            sa.select(col(Participation.organisation_id)).where(
                col(Participation.room_id) == access.room.id,
                col(Participation.status).in_(VISIBLE),
            )
        )
    )
    action = await add_action(
        db,
        actor=actor,
        data=data,
        source_type=ActionSource.ROOM_PHASE,
        source_id=phase_id,
        source_link=f"{paths.fill(paths.ROOM, room_id=access.room.id)}#fas-{phase_id}",
        allowed_organisations=participants,
        room_id=access.room.id,
    )
    assert action.id is not None
    await db.commit()
    return action.id


async def set_status(
    db: AsyncSession, *, actor: CurrentPerson, access: ActionAccess, status: ActionStatus
) -> None:
    """Move the action to ``status``. Side effects: the action; ``action_completed`` evidence
    when it becomes klar (for the owning organisation, through the actor if they act for it);
    ``action_status_changed`` audited. Commits."""
    if not access.may_update:
        raise Forbidden()
    action = await db.get(Action, access.action.id)
    assert action is not None
    if action.status is status:
        return
    before = action.status
    now = clock.now()
    action.status = status
    action.updated_at = now
    if status is ActionStatus.DONE:
        action.completed_at = now
        action.completed_by = actor.id
        process = (
            await db.scalar(sa.select(col(Room.process)).where(col(Room.id) == action.room_id))
            if action.room_id is not None
            else None
        )
        await record_evidence(
            db,
            EvidenceKind.ACTION_COMPLETED,
            organisation_id=action.organisation_id,
            person_id=actor.id if access.is_owner else None,
            link=action_path(access.action.id),
            process=process,
            room_id=action.room_id,
            object_type="action",
            object_id=action.id,
            title=action.title,
        )
    else:
        action.completed_at = None
        action.completed_by = None
    record(
        db,
        AuditAction.ACTION_STATUS_CHANGED,
        actor_id=actor.id,
        object_type="action",
        object_id=action.id,
        organisation_id=action.organisation_id,
        before=before.value,
        after=status.value,
    )
    await db.commit()
