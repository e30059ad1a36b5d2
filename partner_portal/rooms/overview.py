"""What the room pages show, read in a constant number of queries and derived in Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.platform import clock
from partner_portal.platform.errors import NotFound
from partner_portal.rooms import queries, status
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.deliverable_rows import rows_for
from partner_portal.rooms.models import ItemKind, ParticipationStatus, ProgressStatus
from partner_portal.rooms.queries import (
    ActivityRow,
    ItemRow,
    ParticipantRow,
    PhaseRow,
    ProgressRow,
)
from partner_portal.rooms.status import Cell, PhaseState


@dataclass(frozen=True, slots=True)
class PhaseView:
    phase: PhaseRow
    state: PhaseState
    items: tuple[ItemRow, ...]


@dataclass(frozen=True, slots=True)
class Task:
    organisation_id: int
    organisation_name: str
    item: ItemRow
    phase: PhaseRow
    status: ProgressStatus
    late: bool


@dataclass
class RoomPage:
    # Tuples: the page's remembered fragments (templating.Templates.fragment) are keyed by them.
    phases: tuple[PhaseView, ...]
    participants: list[ParticipantRow]
    matrix_rows: list[ParticipantRow]
    matrix: dict[tuple[int, int], Cell]
    tasks: list[Task]
    activity: tuple[ActivityRow, ...]
    today: date
    awaiting_my_answer: list[ParticipantRow] = field(default_factory=list)

    @property
    def matrix_table(self) -> tuple[tuple[ParticipantRow, tuple[Cell, ...]], ...]:
        """Each accepted organisation with its cell in each phase, in the phases' order."""
        return tuple(
            (p, tuple(self.matrix[(p.organisation_id, v.phase.id)] for v in self.phases))
            for p in self.matrix_rows
        )


async def room_overview(
    db: AsyncSession, access: RoomAccess, participants: list[ParticipantRow], *, now: datetime
) -> RoomPage:
    """The room page from what access was decided on (with the room's participants, read in
    the same query) and two more queries."""
    room_id = access.room.id
    plan = await queries.room_plan(db, room_id)
    phases, items, progress = plan.phases, plan.items, plan.progress
    activity = tuple(await queries.activity(db, room_id))
    today = clock.swedish_date(now)
    accepted = [p for p in participants if p.status is ParticipationStatus.ACCEPTED]
    matrix = status.matrix(phases, items, [p.organisation_id for p in accepted], progress, today)
    return RoomPage(
        phases=tuple(
            PhaseView(
                phase,
                status.phase_state(phase, access.room.current_position),
                tuple(i for i in items if i.phase_id == phase.id),
            )
            for phase in phases
        ),
        participants=participants,
        matrix_rows=accepted,
        matrix=matrix,
        tasks=_tasks(access, phases, items, accepted, progress, today),
        activity=activity,
        today=today,
        awaiting_my_answer=[
            p
            for p in participants
            if p.status is ParticipationStatus.INVITED and access.may_answer_for(p.organisation_id)
        ],
    )


def _tasks(
    access: RoomAccess,
    phases: list[PhaseRow],
    items: list[ItemRow],
    accepted: list[ParticipantRow],
    progress: list[ProgressRow],
    today: date,
) -> list[Task]:
    """Every item of each of the person's accepted organisations, with its status."""
    by_key = {(p.item_id, p.organisation_id): p for p in progress}
    phase_by_id = {p.id: p for p in phases}
    tasks = []
    for participant in accepted:
        if participant.organisation_id not in access.my_organisations:
            continue
        for item in items:
            row = by_key.get((item.id, participant.organisation_id))
            state = row.status if row else ProgressStatus.NOT_STARTED
            phase = phase_by_id[item.phase_id]
            tasks.append(
                Task(
                    participant.organisation_id,
                    participant.name,
                    item,
                    phase,
                    state,
                    status.is_late(state, phase.deadline, today),
                )
            )
    return tasks


@dataclass
class ItemPage:
    item: ItemRow
    phase: PhaseRow
    organisation_id: int
    organisation_name: str
    progress: ProgressRow | None
    status: ProgressStatus
    late: bool
    may_work: bool
    may_review: bool
    rows: Any  # the deliverable's structured rows, by kind (see partner_portal.deliverables)

    @property
    def locked(self) -> bool:
        return self.status in (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)

    @property
    def is_checklist(self) -> bool:
        return self.item.kind is ItemKind.CHECKLIST


async def item_page(
    db: AsyncSession, access: RoomAccess, *, organisation_id: int, item_id: int, now: datetime
) -> ItemPage:
    if not access.may_see_organisation(organisation_id):
        raise NotFound()
    items = await queries.items(db, access.room.id)
    item = next((i for i in items if i.id == item_id), None)
    participants = await queries.participants(db, access.room.id)
    participant = next((p for p in participants if p.organisation_id == organisation_id), None)
    if (
        item is None
        or participant is None
        or participant.status is not ParticipationStatus.ACCEPTED
    ):
        raise NotFound()
    phase = next(p for p in await queries.phases(db, access.room.id) if p.id == item.phase_id)
    progress = next(
        (
            p
            for p in await queries.progress_in_room(
                db, access.room.id, organisation_ids=[organisation_id]
            )
            if p.item_id == item_id
        ),
        None,
    )
    state = progress.status if progress else ProgressStatus.NOT_STARTED
    return ItemPage(
        item=item,
        phase=phase,
        organisation_id=organisation_id,
        organisation_name=participant.name,
        progress=progress,
        status=state,
        late=status.is_late(state, phase.deadline, clock.swedish_date(now)),
        may_work=access.may_work_for(organisation_id),
        may_review=access.is_coordinator,
        rows=await rows_for(db, item.kind, progress.id if progress else None),
    )


async def phase_of(db: AsyncSession, access: RoomAccess, phase_id: int) -> PhaseRow:
    """A phase of this room, for the coordinator to adjust; NotFound otherwise."""
    phase = next((p for p in await queries.phases(db, access.room.id) if p.id == phase_id), None)
    if phase is None or not access.is_coordinator:
        raise NotFound()
    return phase
