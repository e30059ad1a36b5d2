"""Parsing the date poll's form (3–8 proposed times, each a Swedish day and clock times), the
answers per time, and the time chosen for the meeting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from partner_portal import forms
from partner_portal.meetings.forms import valid_video_url
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.polls.models import PollAnswer
from partner_portal.polls.service import FEWEST_TIMES, MOST_TIMES, PollInput

ANSWERS = {a.value: a for a in PollAnswer}


def _moment(form: Any, day_field: str, time_field: str) -> datetime | None:
    try:
        day = date.fromisoformat(forms.text(form, day_field, max_length=10))
        at = time.fromisoformat(forms.text(form, time_field, max_length=8))
    except ValueError:
        return None
    return clock.wall_time(day, at)


def _times(form: Any, errors: dict[str, str]) -> list[tuple[datetime, datetime]]:
    times: list[tuple[datetime, datetime]] = []
    for n in range(1, MOST_TIMES + 1):
        fields = (f"day-{n}", f"start-{n}", f"end-{n}")
        if not any(forms.text(form, name, max_length=10) for name in fields):
            continue
        starts_at = _moment(form, f"day-{n}", f"start-{n}")
        ends_at = _moment(form, f"day-{n}", f"end-{n}")
        if starts_at is None or ends_at is None:
            errors[f"time-{n}"] = _(
                "Ange datum, starttid och sluttid för tiden (en tid som finns)."
            )
        elif ends_at <= starts_at:
            errors[f"time-{n}"] = _("Tiden måste sluta efter att den börjar.")
        else:
            times.append((starts_at, ends_at))
    if len(times) < FEWEST_TIMES and not errors:
        errors["times"] = _("Föreslå minst tre tider.")
    elif len(set(times)) != len(times):
        errors["times"] = _("Föreslå olika tider.")
    return times


def poll(form: Any) -> PollInput:
    errors: dict[str, str] = {}
    title = " ".join(forms.text(form, "title", max_length=200).split())
    if not title:
        errors["title"] = _("Ge mötet en rubrik.")
    elif len(title) > 200:
        errors["title"] = _("Rubriken får vara högst 200 tecken.")
    raw_room = forms.text(form, "room_id", max_length=12)
    room_id = forms.positive_int(raw_room) if raw_room else None
    if raw_room and room_id is None:
        errors["room_id"] = _("Välj ett planeringsrum i listan.")
    place = " ".join(forms.text(form, "place", max_length=300).split())
    video_url = forms.text(form, "video_url", max_length=500)
    if video_url and not valid_video_url(video_url):
        errors["video_url"] = _("Ange en fullständig länk som börjar med https://.")
    if not place and not video_url and "video_url" not in errors:
        errors["place"] = _("Ange en plats eller en länk till videomötet.")
    agenda = forms.text(form, "agenda", max_length=10000)
    times = _times(form, errors)
    closes_at = _moment(form, "closes_day", "closes_time")
    if closes_at is None:
        errors["closes"] = _("Ange när svaren stänger: datum och tid.")
    values = form.getlist("organisation") if hasattr(form, "getlist") else []
    ids = [forms.positive_int(v) if isinstance(v, str) else None for v in values][:501]
    if not ids or any(i is None for i in ids) or len(ids) > 500:
        errors["organisations"] = _("Fråga minst en organisation.")
    if errors:
        raise Invalid(errors)
    assert closes_at is not None
    return PollInput(
        title=title,
        room_id=room_id,
        place=place,
        video_url=video_url,
        agenda=agenda,
        times=tuple(times),
        closes_at=closes_at,
        organisation_ids=tuple(dict.fromkeys(i for i in ids if i is not None)),
    )


def answers(form: Mapping[str, Any]) -> dict[int, PollAnswer]:
    """``option-<id>``: yes, if_needed or no, for each time answered."""
    given: dict[int, PollAnswer] = {}
    for name, value in list(form.items())[:50]:
        if not name.startswith("option-"):
            continue
        option_id = forms.positive_int(name.removeprefix("option-"))
        answer = ANSWERS.get(value) if isinstance(value, str) else None
        if option_id is None or answer is None:
            raise Invalid({"answers": _("Svara ja, om det behövs eller nej för varje tid.")})
        given[option_id] = answer
    if not given:
        raise Invalid({"answers": _("Svara ja, om det behövs eller nej för minst en tid.")})
    return given


def option(form: Mapping[str, Any]) -> int:
    chosen = forms.positive_int(forms.text(form, "option", max_length=12))
    if chosen is None:
        raise Invalid({"option": _("Välj en av de föreslagna tiderna.")})
    return chosen
