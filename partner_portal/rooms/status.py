"""Deriving progress: an organisation's state in a phase, lateness, the current phase.

Pure functions over rows already read, so the rules are tested with a frozen clock and no
database; "late" is never stored, it follows from the deadline and today's date in Sweden.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from partner_portal.rooms.models import ProgressStatus
from partner_portal.rooms.queries import ItemRow, PhaseRow, ProgressRow


class CellState(enum.StrEnum):
    """What the overview matrix shows for one organisation in one phase."""

    NOTHING_OWED = "nothing_owed"  # the phase asks nothing of organisations
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    NOT_APPLICABLE = "not_applicable"


class PhaseState(enum.StrEnum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Cell:
    state: CellState
    late: bool
    reasons: tuple[str, ...] = ()  # why not applicable, when it is


_FINISHED = {ProgressStatus.SUBMITTED, ProgressStatus.APPROVED, ProgressStatus.NOT_APPLICABLE}


def is_late(status: ProgressStatus, deadline: date | None, today: date) -> bool:
    """Past the phase's deadline (the whole deadline day counts) and not yet handed in."""
    return deadline is not None and today > deadline and status not in _FINISHED


def cell(
    statuses: Sequence[ProgressStatus], deadline: date | None, today: date, notes: Sequence[str]
) -> Cell:
    """One organisation's items in one phase, summed up (missing progress = not started)."""
    if not statuses:
        return Cell(CellState.NOTHING_OWED, False)
    counted = set(statuses)
    if counted == {ProgressStatus.NOT_APPLICABLE}:
        return Cell(CellState.NOT_APPLICABLE, False, tuple(n for n in notes if n))
    relevant = counted - {ProgressStatus.NOT_APPLICABLE}
    if relevant == {ProgressStatus.APPROVED}:
        state = CellState.APPROVED
    elif relevant <= {ProgressStatus.APPROVED, ProgressStatus.SUBMITTED}:
        state = CellState.SUBMITTED
    elif relevant == {ProgressStatus.NOT_STARTED}:
        state = CellState.NOT_STARTED
    else:
        state = CellState.IN_PROGRESS
    late = any(is_late(s, deadline, today) for s in statuses)
    return Cell(state, late)


def matrix(
    phases: Sequence[PhaseRow],
    items: Sequence[ItemRow],
    organisation_ids: Iterable[int],
    progress: Sequence[ProgressRow],
    today: date,
) -> dict[tuple[int, int], Cell]:
    """(organisation id, phase id) → Cell, for every organisation and phase."""
    by_item_org = {(p.item_id, p.organisation_id): p for p in progress}
    items_by_phase: dict[int, list[ItemRow]] = defaultdict(list)
    for item in items:
        items_by_phase[item.phase_id].append(item)
    result: dict[tuple[int, int], Cell] = {}
    for organisation_id in organisation_ids:
        for phase in phases:
            statuses: list[ProgressStatus] = []
            notes: list[str] = []
            for item in items_by_phase[phase.id]:
                row = by_item_org.get((item.id, organisation_id))
                statuses.append(row.status if row else ProgressStatus.NOT_STARTED)
                if row and row.status is ProgressStatus.NOT_APPLICABLE:
                    notes.append(row.note)
            result[(organisation_id, phase.id)] = cell(statuses, phase.deadline, today, notes)
    return result


def phase_state(phase: PhaseRow, current_position: int) -> PhaseState:
    if phase.position < current_position:
        return PhaseState.DONE
    if phase.position == current_position:
        return PhaseState.CURRENT
    return PhaseState.UPCOMING
