"""Progress and lateness, derived with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from partner_portal.platform import clock
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
DAY = timedelta(days=1)


@pytest.fixture
def deadline() -> date:
    """A phase's last day: today, in Sweden."""
    return clock.today()


def test_today_is_the_date_in_sweden() -> None:
    # 23:30 UTC on 31 March is already 1 April in Stockholm (summer time, UTC+2).
    clock.freeze(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 4, 1)
    assert clock.swedish_date(clock.now()) == date(2026, 4, 1)
    clock.freeze(datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 3, 31)
    assert clock.swedish_date(clock.now()) == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("status", "days_after_the_deadline", "late"),
    [
        (S.NOT_STARTED, 0, False),  # the deadline day itself still counts
        (S.NOT_STARTED, 1, True),
        (S.IN_PROGRESS, 1, True),
        (S.RETURNED, 1, True),
        (S.SUBMITTED, 1, False),
        (S.APPROVED, 1, False),
        (S.NOT_APPLICABLE, 1, False),
    ],
)
def test_lateness_follows_the_deadline_and_the_status(
    deadline: date, status: ProgressStatus, days_after_the_deadline: int, late: bool
) -> None:
    assert is_late(status, deadline, deadline + days_after_the_deadline * DAY) is late


def test_no_deadline_is_never_late() -> None:
    assert is_late(S.NOT_STARTED, None, clock.today() + 1000 * DAY) is False


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
    deadline: date, statuses: list[ProgressStatus], state: CellState
) -> None:
    assert cell(statuses, deadline, deadline - 30 * DAY, []).state is state


def test_a_cell_is_late_when_any_item_is(deadline: date) -> None:
    result = cell([S.SUBMITTED, S.IN_PROGRESS], deadline, deadline + 2 * DAY, [])

    assert (result.state, result.late) == (CellState.IN_PROGRESS, True)


def test_not_applicable_carries_its_reasons(deadline: date) -> None:
    result = cell([S.NOT_APPLICABLE], deadline, deadline + 2 * DAY, ["Vi har inga elanvändare"])

    assert result.reasons == ("Vi har inga elanvändare",)
    assert result.late is False


def test_the_matrix_treats_missing_progress_as_not_started(deadline: date) -> None:
    phases = [
        PhaseRow(1, 1, "Identifiering", "", "", deadline),
        PhaseRow(2, 2, "Underlag", "", "", None),
    ]
    items = [ItemRow(10, 1, 1, "Elanvändare", "", ItemKind.STYREL_USERS)]
    now = clock.now() - 90 * DAY
    progress = [
        ProgressRow(1, 10, 100, S.APPROVED, Classification.INTERNAL, "", now, None, None, "")
    ]

    result = matrix(phases, items, [100, 200], progress, deadline + DAY)

    assert result[(100, 1)].state is CellState.APPROVED
    assert (result[(200, 1)].state, result[(200, 1)].late) == (CellState.NOT_STARTED, True)
    assert result[(100, 2)].state is CellState.NOTHING_OWED


def test_phase_states_follow_the_current_position() -> None:
    phase = PhaseRow(1, 2, "Underlag", "", "", None)

    assert phase_state(phase, 1) is PhaseState.UPCOMING
    assert phase_state(phase, 2) is PhaseState.CURRENT
    assert phase_state(phase, 3) is PhaseState.DONE
