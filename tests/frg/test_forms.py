"""The lead's time window, typed as Swedish wall-clock time, across the daylight-saving changes.

Each test names its change day, and sets the clock to the week before it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.datastructures import FormData

from partner_portal.frg import forms
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid


@pytest.fixture(autouse=True)
def _spring_2027() -> None:
    clock.freeze(datetime(2027, 3, 20, 12, 0, tzinfo=clock.TIMEZONE))


def test_a_time_the_clocks_skip_is_refused_with_a_reason() -> None:
    with pytest.raises(Invalid) as refused:
        forms.search(
            FormData({"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T06:00"}), skill_ids=[]
        )

    assert refused.value.errors == {
        "starts_at": "Den tiden finns inte den dagen (klockan ställs fram). Välj en annan."
    }


def test_a_time_the_clocks_show_twice_is_the_first_of_them() -> None:
    window = forms.search(
        FormData({"starts_at": "2027-10-31T02:30", "ends_at": "2027-10-31T04:00"}), skill_ids=[]
    )

    assert window.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    assert window.ends_at == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["2027-02-30T10:00", "2027-03-28 10:00", "1999-03-28T10:00"])
def test_an_impossible_or_malformed_moment_is_refused(raw: str) -> None:
    with pytest.raises(Invalid) as refused:
        forms.search(FormData({"starts_at": raw, "ends_at": "2027-03-28T12:00"}), skill_ids=[])

    assert refused.value.errors["starts_at"].startswith("Ange datum och klockslag")
