"""The reminder settings, and the evidence kinds the board's follow-up counts as taking part."""

from __future__ import annotations

from pathlib import Path

import pytest

from partner_portal.evidence.models import EvidenceKind
from partner_portal.followup.levels import ACTIVE_KINDS, Facts, Level, level
from partner_portal.platform.settings import SettingsError, load_settings


def test_reminder_settings_default_and_can_be_set(tmp_path: Path) -> None:
    defaults = load_settings({"PORTAL_DATA_DIR": str(tmp_path)})
    changed = load_settings(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "PORTAL_MEETING_REMINDER_HOURS": "48",
            "PORTAL_MINUTES_REMINDER_DAYS": "5",
        }
    )

    assert (defaults.meeting_reminder_hours, defaults.minutes_reminder_days) == (24, 3)
    assert (changed.meeting_reminder_hours, changed.minutes_reminder_days) == (48, 5)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORTAL_MEETING_REMINDER_HOURS", "ett dygn"),
        ("PORTAL_MEETING_REMINDER_HOURS", "0"),
        ("PORTAL_MINUTES_REMINDER_DAYS", "-1"),
    ],
)
def test_bad_reminder_settings_are_named(variable: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"PORTAL_DATA_DIR": str(tmp_path), variable: value})

    assert any(variable in problem for problem in refused.value.problems)


def test_meetings_and_actions_count_as_active_in_the_dialogue() -> None:
    kinds = {EvidenceKind("meeting_attended"), EvidenceKind("rsvp_given")}
    kinds |= {EvidenceKind("action_completed")}

    assert kinds <= ACTIVE_KINDS
    assert level(Facts(active=1)) is Level.ACTIVE
