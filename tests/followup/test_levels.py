"""From facts to levels: the rules, without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partner_portal.followup.levels import Facts, Level, level
from partner_portal.platform import clock

# Two moments of the period, a month apart: only their order matters to the rules.
T1 = clock.now() - timedelta(days=60)
T2 = T1 + timedelta(days=31)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Facts(), Level.NOT_INVITED),
        (Facts(invited_at=T1), Level.INVITED),
        (Facts(invited_at=T1, declined_at=T2), Level.DECLINED),
        (Facts(invited_at=T1, accepted_at=T2), Level.ACCEPTED),
        (
            Facts(invited_at=T1, declined_at=T1, accepted_at=T2),
            Level.ACCEPTED,
        ),  # re-invited, said yes
        (
            Facts(invited_at=T1, accepted_at=T1, withdrawn_at=T2),
            Level.DECLINED,
        ),  # left, nothing given
        (Facts(invited_at=T1, accepted_at=T1, withdrawn_at=T2, contributed=1), Level.CONTRIBUTED),
        (Facts(accepted_at=T1, active=2), Level.ACTIVE),
        (Facts(accepted_at=T1, contributed=1, late=1), Level.CONTRIBUTED),
        (Facts(accepted_at=T1, contributed=3, completed=1), Level.COMPLETED),
    ],
)
def test_levels_follow_the_evidence(facts: Facts, expected: Level) -> None:
    assert level(facts) is expected


def test_taking_part_starts_with_saying_yes() -> None:
    assert [lvl for lvl in Level if lvl.took_part] == [
        Level.ACCEPTED,
        Level.ACTIVE,
        Level.CONTRIBUTED,
        Level.COMPLETED,
    ]
