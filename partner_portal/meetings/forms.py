"""Parsing the meeting, RSVP, attendance, minutes and decision forms.

A meeting's times are typed as a Swedish calendar day and clock times (Europe/Stockholm) and
stored in UTC. A clock time that does not exist that day (the hour skipped when summer time
begins) is refused; one that occurs twice (the hour repeated when it ends) means the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from partner_portal import forms
from partner_portal.meetings import recurrence
from partner_portal.meetings.models import Rsvp
from partner_portal.meetings.scheduling import MeetingInput
from partner_portal.meetings.series import Repeat
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _


def valid_video_url(value: str) -> bool:
    """An absolute http(s) link, nothing else (no javascript:, no relative paths)."""
    if len(value) > 500 or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _time(raw: str) -> time | None:
    try:
        return time.fromisoformat(raw) if len(raw) in (5, 8) else None
    except ValueError:
        return None


def _ids(form: Any, name: str) -> list[int | None]:
    values = form.getlist(name) if hasattr(form, "getlist") else []
    return [forms.positive_int(v) if isinstance(v, str) else None for v in values][:501]


def meeting(form: Any) -> MeetingInput:
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
    day = forms.iso_day(forms.text(form, "day", max_length=10))
    start = _time(forms.text(form, "start", max_length=8))
    end = _time(forms.text(form, "end", max_length=8))
    starts_at = ends_at = None
    if day is None:
        errors["day"] = _("Ange datum som ÅÅÅÅ-MM-DD.")
    if start is None:
        errors["start"] = _("Ange starttid som TT:MM.")
    if end is None:
        errors["end"] = _("Ange sluttid som TT:MM.")
    if day is not None and start is not None:
        starts_at = clock.wall_time(day, start)
        if starts_at is None:
            errors["start"] = _(
                "Den tiden finns inte den dagen (klockan ställs fram). Välj en annan."
            )
    if day is not None and end is not None:
        ends_at = clock.wall_time(day, end)
        if ends_at is None:
            errors["end"] = _(
                "Den tiden finns inte den dagen (klockan ställs fram). Välj en annan."
            )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["end"] = _("Mötet måste sluta efter att det börjar.")
    place = " ".join(forms.text(form, "place", max_length=300).split())
    if len(place) > 300:
        errors["place"] = _("Platsen får vara högst 300 tecken.")
    video_url = forms.text(form, "video_url", max_length=500)
    if video_url and not valid_video_url(video_url):
        errors["video_url"] = _("Ange en fullständig länk som börjar med https://.")
    if not place and not video_url and "place" not in errors:
        errors["place"] = _("Ange en plats eller en länk till videomötet.")
    agenda = forms.text(form, "agenda", max_length=10000)
    if len(agenda) > 10000:
        errors["agenda"] = _("Dagordningen får vara högst 10 000 tecken.")
    organisation_ids = _ids(form, "organisation")
    if not organisation_ids or any(i is None for i in organisation_ids):
        errors["organisations"] = _("Bjud in minst en organisation.")
    elif len(organisation_ids) > 500:
        errors["organisations"] = _("Bjud in högst 500 organisationer.")
    if errors:
        raise Invalid(errors)
    assert starts_at is not None
    assert ends_at is not None
    return MeetingInput(
        title=title,
        room_id=room_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_url=video_url,
        agenda=agenda,
        organisation_ids=tuple(dict.fromkeys(i for i in organisation_ids if i is not None)),
    )


def rsvp(form: Mapping[str, Any]) -> Rsvp:
    answer = {r.value: r for r in Rsvp}.get(forms.text(form, "rsvp", max_length=10))
    if answer is None:
        raise Invalid({"rsvp": _("Välj ja, nej eller kanske.")})
    return answer


def present_people(form: Any) -> set[int]:
    """The people ticked as present (repeated ``present`` fields)."""
    ids = _ids(form, "present")
    if any(i is None for i in ids) or len(ids) > 500:
        raise Invalid({"present": _("Välj närvarande i listan.")})
    return {i for i in ids if i is not None}


def minutes(form: Mapping[str, Any]) -> str:
    text = forms.text(form, "minutes", max_length=50000)
    if not text:
        raise Invalid({"minutes": _("Skriv protokollet innan du sparar det.")})
    if len(text) > 50000:
        raise Invalid({"minutes": _("Protokollet får vara högst 50 000 tecken.")})
    return text


def decision(form: Mapping[str, Any]) -> str:
    text = forms.text(form, "decision", max_length=5000)
    if not text:
        raise Invalid({"decision": _("Skriv beslutet.")})
    if len(text) > 5000:
        raise Invalid({"decision": _("Beslutet får vara högst 5 000 tecken.")})
    return text


def repeat(form: Mapping[str, Any]) -> Repeat | None:
    """The series' rule, or None for a single meeting (``repeat_weeks`` left empty)."""
    raw_weeks = forms.text(form, "repeat_weeks", max_length=3)
    if not raw_weeks:
        return None
    errors: dict[str, str] = {}
    weeks = forms.positive_int(raw_weeks)
    if not weeks or weeks > recurrence.LONGEST_INTERVAL_WEEKS:
        errors["repeat_weeks"] = _("Ange hur många veckor det går mellan mötena, 1–52.")
    count = forms.positive_int(forms.text(form, "repeat_count", max_length=3))
    if count is None or not 2 <= count <= recurrence.MOST_OCCURRENCES:
        errors["repeat_count"] = _("Ange hur många gånger mötet hålls, 2–52.")
    if errors:
        raise Invalid(errors)
    assert weeks is not None
    assert count is not None
    return Repeat(weeks, count)


def meeting_and_repeat(form: Any) -> tuple[MeetingInput, Repeat | None]:
    """A new meeting's form: the meeting, and the rule if it recurs (every error at once)."""
    errors: dict[str, str] = {}
    data = rule = None
    try:
        data = meeting(form)
    except Invalid as invalid:
        errors |= invalid.errors
    try:
        rule = repeat(form)
    except Invalid as invalid:
        errors |= invalid.errors
    if errors:
        raise Invalid(errors)
    assert data is not None
    return data, rule
