"""Progress and lateness, derived with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from partner_portal import clock
from partner_portal.rooms.models import Classification, ItemKind, ProgressStatus
from partner_portal.rooms.queries import ItemRow, PhaseRow, ProgressRow
from partner_portal.rooms.status import (
    CellState,
    PhaseState,
    cell,
    is_late,
    matrix,
    phase_state,
)

S = ProgressStatus
DEADLINE = date(2026, 3, 31)


def test_today_is_the_date_in_sweden() -> None:
    # 23:30 UTC on 31 March is already 1 April in Stockholm (summer time, UTC+2).
    assert clock.swedish_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert clock.swedish_date(datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("status", "today", "late"),
    [
        (S.NOT_STARTED, date(2026, 3, 31), False),  # the deadline day itself still counts
        (S.NOT_STARTED, date(2026, 4, 1), True),
        (S.IN_PROGRESS, date(2026, 4, 1), True),
        (S.RETURNED, date(2026, 4, 1), True),
        (S.SUBMITTED, date(2026, 4, 1), False),
        (S.APPROVED, date(2026, 4, 1), False),
        (S.NOT_APPLICABLE, date(2026, 4, 1), False),
    ],
)
def test_lateness_follows_the_deadline_and_the_status(
    status: ProgressStatus, today: date, late: bool
) -> None:
    assert is_late(status, DEADLINE, today) is late


def test_no_deadline_is_never_late() -> None:
    assert is_late(S.NOT_STARTED, None, date(2030, 1, 1)) is False


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        ([], CellState.NOTHING_OWED),
        ([S.NOT_STARTED, S.NOT_STARTED], CellState.NOT_STARTED),
        ([S.NOT_STARTED, S.IN_PROGRESS], CellState.IN_PROGRESS),
        ([S.RETURNED], CellState.IN_PROGRESS),
        ([S.SUBMITTED, S.APPROVED], CellState.SUBMITTED),
        ([S.APPROVED, S.APPROVED], CellState.APPROVED),
        ([S.APPROVED, S.NOT_APPLICABLE], CellState.APPROVED),
        ([S.NOT_APPLICABLE], CellState.NOT_APPLICABLE),
        ([S.SUBMITTED, S.NOT_STARTED], CellState.IN_PROGRESS),
    ],
)
def test_a_cell_sums_up_the_items_of_a_phase(
    statuses: list[ProgressStatus], state: CellState
) -> None:
    assert cell(statuses, DEADLINE, date(2026, 3, 1), []).state is state


def test_a_cell_is_late_when_any_item_is() -> None:
    result = cell([S.SUBMITTED, S.IN_PROGRESS], DEADLINE, date(2026, 4, 2), [])

    assert (result.state, result.late) == (CellState.IN_PROGRESS, True)


def test_not_applicable_carries_its_reasons() -> None:
    result = cell([S.NOT_APPLICABLE], DEADLINE, date(2026, 4, 2), ["Vi har inga elanvändare"])

    assert result.reasons == ("Vi har inga elanvändare",)
    assert result.late is False


def test_the_matrix_treats_missing_progress_as_not_started() -> None:
    phases = [
        PhaseRow(1, 1, "Identifiering", "", "", DEADLINE),
        PhaseRow(2, 2, "Underlag", "", "", None),
    ]
    items = [ItemRow(10, 1, 1, "Elanvändare", "", ItemKind.STYREL_USERS)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    progress = [
        ProgressRow(1, 10, 100, S.APPROVED, Classification.INTERNAL, "", now, None, None, "")
    ]

    result = matrix(phases, items, [100, 200], progress, date(2026, 4, 1))

    assert result[(100, 1)].state is CellState.APPROVED
    assert (result[(200, 1)].state, result[(200, 1)].late) == (CellState.NOT_STARTED, True)
    assert result[(100, 2)].state is CellState.NOTHING_OWED


def test_phase_states_follow_the_current_position() -> None:
    phase = PhaseRow(1, 2, "Underlag", "", "", None)

    assert phase_state(phase, 1) is PhaseState.UPCOMING
    assert phase_state(phase, 2) is PhaseState.CURRENT
    assert phase_state(phase, 3) is PhaseState.DONE
