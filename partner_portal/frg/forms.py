"""Parsing FRG forms. Only the fields listed here are read: anything else posted (a personal
identity number, a health note, a status or an organisation) is ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from partner_portal.forms import email_address, positive_int, text
from partner_portal.frg.callouts import CalloutInput, RecipientUpdate
from partner_portal.frg.enrolment import RegistrationInput
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

_PHONE = re.compile(r"^\+?[0-9 ()-]{6,24}$")
_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$")
MAX_PEOPLE = 500


def _strings(form: Any, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def _ids(form: Any, name: str, allowed: Iterable[int]) -> frozenset[int]:
    """Ids picked from a list; one not on the list is ignored (it cannot be chosen)."""
    allowed_set = set(allowed)
    picked = {positive_int(v) for v in _strings(form, name)}
    return frozenset(i for i in picked if i is not None and i in allowed_set)


def _date(form: Any, name: str, errors: dict[str, str], *, required: bool) -> date | None:
    raw = text(form, name, max_length=10)
    if not raw:
        if required:
            errors[name] = _("Fyll i datumet.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Skriv datumet som ÅÅÅÅ-MM-DD.")
        return None
    if not date(1950, 1, 1) <= value <= date(2100, 12, 31):
        errors[name] = _("Datumet är utanför det tillåtna intervallet.")
        return None
    return value


class _SkippedHour(ValueError):
    """The time is in the hour the clocks skip when summer time begins."""


def local_datetime(raw: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` in Swedish time (what a datetime-local field sends), as UTC; None
    when malformed. Raises _SkippedHour for a time the clocks skip that day; of a time the
    clocks show twice (when summer time ends), the first is meant."""
    match = _LOCAL.match(raw)
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups())
    if not 2000 <= year <= 2100:
        return None
    try:
        moment = clock.wall_time(date(year, month, day), time(hour, minute))
    except ValueError:
        return None
    if moment is None:
        raise _SkippedHour(raw)
    return moment


def _moment(form: Any, name: str, errors: dict[str, str]) -> datetime | None:
    raw = text(form, name, max_length=16)
    if not raw:
        errors[name] = _("Fyll i datum och klockslag.")
        return None
    try:
        value = local_datetime(raw)
    except _SkippedHour:
        errors[name] = _("Den tiden finns inte den dagen (klockan ställs fram). Välj en annan.")
        return None
    if value is None:
        errors[name] = _("Ange datum och klockslag, till exempel 2026-03-14T08:00.")
    return value


def registration(form: Any, *, skill_ids: Iterable[int]) -> RegistrationInput:
    errors: dict[str, str] = {}
    phone = text(form, "phone", max_length=40)
    if not phone:
        errors["phone"] = _("Fyll i ditt telefonnummer.")
    elif not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6:
        errors["phone"] = _("Skriv telefonnumret med siffror, till exempel 070-123 45 67.")
    raw_email = text(form, "email", max_length=320)
    email = email_address(raw_email) if raw_email else None
    if not raw_email:
        errors["email"] = _("Fyll i din e-postadress.")
    elif email is None:
        errors["email"] = _("Skriv en e-postadress, till exempel namn@example.se.")
    agreement = _date(form, "agreement_signed_on", errors, required=False)
    course = _date(form, "basic_course_on", errors, required=False)
    if form.get("informed") != "ja":
        errors["informed"] = _("Bekräfta att du har läst informationen om hur uppgifterna används.")
    if errors:
        raise Invalid(errors)
    assert email is not None
    return RegistrationInput(phone, email, _ids(form, "skill", skill_ids), agreement, course)


def weekly_slots(form: Any) -> frozenset[int]:
    picked = set()
    for raw in _strings(form, "slot"):
        if raw.isdigit() and len(raw) <= 2 and int(raw) <= 27:
            picked.add(int(raw))
    return frozenset(picked)


def absence(form: Any) -> tuple[date, date]:
    errors: dict[str, str] = {}
    starts = _date(form, "starts_on", errors, required=True)
    ends = _date(form, "ends_on", errors, required=True)
    if starts and ends and ends < starts:
        errors["ends_on"] = _("Slutdatumet kan inte vara före startdatumet.")
    if errors:
        raise Invalid(errors)
    assert starts is not None
    assert ends is not None
    return starts, ends


def invitation_email(form: Any) -> str:
    raw = text(form, "email", max_length=320)
    email = email_address(raw) if raw else None
    if email is None:
        raise Invalid({"email": _("Skriv en e-postadress, till exempel namn@example.se.")})
    return email


def skill_name(form: Any) -> str:
    name = " ".join(text(form, "name", max_length=100).split())
    if not name:
        raise Invalid({"name": _("Skriv vad kompetensen eller utrustningen heter.")})
    if len(name) > 100:
        raise Invalid({"name": _("Högst 100 tecken.")})
    return name


@dataclass(frozen=True, slots=True)
class SearchInput:
    starts_at: datetime
    ends_at: datetime
    skill_ids: frozenset[int]


def _window(form: Any, errors: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    starts = _moment(form, "starts_at", errors)
    ends = _moment(form, "ends_at", errors)
    if starts and ends:
        if ends <= starts:
            errors["ends_at"] = _("Slutet måste vara efter starten.")
        elif (ends - starts).days > 31:
            errors["ends_at"] = _("Högst 31 dagar åt gången.")
    return starts, ends


def search(form: Any, *, skill_ids: Iterable[int]) -> SearchInput:
    errors: dict[str, str] = {}
    starts, ends = _window(form, errors)
    if errors:
        raise Invalid(errors)
    assert starts is not None
    assert ends is not None
    return SearchInput(starts, ends, _ids(form, "skill", skill_ids))


def callout(form: Any, *, skill_ids: Iterable[int]) -> CalloutInput:
    errors: dict[str, str] = {}
    title = text(form, "title", max_length=200)
    if not title:
        errors["title"] = _("Skriv vad utlarmningen gäller.")
    elif len(title) > 200:
        errors["title"] = _("Högst 200 tecken.")
    place = text(form, "place", max_length=200)
    if not place:
        errors["place"] = _("Skriv var de frivilliga ska samlas.")
    elif len(place) > 200:
        errors["place"] = _("Högst 200 tecken.")
    description = text(form, "description", max_length=2000)
    if len(description) > 2000:
        errors["description"] = _("Högst 2000 tecken.")
    starts, ends = _window(form, errors)
    people = positive_int(text(form, "people_needed", max_length=4))
    if people is None or people > MAX_PEOPLE:
        errors["people_needed"] = _("Ange hur många personer som behövs, 1–%(max)s.") % {
            "max": MAX_PEOPLE
        }
    raw_skill = text(form, "skill_id", max_length=12)
    skill_id = positive_int(raw_skill) if raw_skill else None
    if raw_skill and skill_id not in set(skill_ids):
        errors["skill_id"] = _("Välj en kompetens från listan.")
    kind = form.get("kind")
    if kind not in ("ovning", "skarpt"):
        errors["kind"] = _("Välj om det är en övning eller ett skarpt läge.")
    if errors:
        raise Invalid(errors)
    assert starts is not None
    assert ends is not None
    assert people is not None
    return CalloutInput(title, place, description, starts, ends, people, skill_id, kind == "ovning")


def volunteer_ids(form: Any) -> frozenset[int]:
    picked = {positive_int(v) for v in _strings(form, "volunteer")}
    return frozenset(i for i in picked if i is not None)


def recipient_update(form: Any) -> RecipientUpdate:
    role = " ".join(text(form, "role", max_length=100).split())[:100]
    action = form.get("action")
    return RecipientUpdate(
        form.get("confirmed") == "ja",
        role,
        action if action in ("in", "ut") else None,
    )
