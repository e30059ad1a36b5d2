"""Parsing the room, phase and progress forms."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from partner_portal import forms
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.lifecycle import PhaseInput, RoomInput
from partner_portal.rooms.models import Classification, ItemKind, ProgressStatus
from partner_portal.rooms.progress import ProgressInput

# What an organisation may set itself; submitted/approved/returned come from submit and review.
_OWN_STATUSES = {
    s.value: s
    for s in (ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS, ProgressStatus.NOT_APPLICABLE)
}
_CLASSIFICATIONS = {c.value: c for c in Classification}


def _date(form: Mapping[str, Any], name: str) -> date | None:
    raw = forms.text(form, name, max_length=10)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def room(form: Mapping[str, Any]) -> RoomInput:
    errors: dict[str, str] = {}
    name = " ".join(forms.text(form, "name", max_length=200).split())
    if not name:
        errors["name"] = _("Ge rummet ett namn, till exempel Nödvattenplan 2026.")
    elif len(name) > 200:
        errors["name"] = _("Namnet får vara högst 200 tecken.")
    template_id = forms.positive_int(forms.text(form, "template_id", max_length=12))
    if template_id is None:
        errors["template_id"] = _("Välj en mall i listan.")
    starts_on, ends_on = _date(form, "starts_on"), _date(form, "ends_on")
    if starts_on is None:
        errors["starts_on"] = _("Ange startdatum som ÅÅÅÅ-MM-DD.")
    if ends_on is None:
        errors["ends_on"] = _("Ange slutdatum som ÅÅÅÅ-MM-DD.")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Slutdatum kan inte vara före startdatum.")
    if errors:
        raise Invalid(errors)
    assert template_id is not None
    assert starts_on is not None
    assert ends_on is not None
    return RoomInput(name, template_id, starts_on, ends_on)


def phase(form: Mapping[str, Any]) -> PhaseInput:
    errors: dict[str, str] = {}
    title = " ".join(forms.text(form, "title", max_length=200).split())
    if not title:
        errors["title"] = _("Ange fasens namn.")
    raw_deadline = forms.text(form, "deadline", max_length=10)
    deadline = _date(form, "deadline")
    if raw_deadline and deadline is None:
        errors["deadline"] = _("Ange datum som ÅÅÅÅ-MM-DD, eller lämna tomt.")
    if errors:
        raise Invalid(errors)
    return PhaseInput(
        title,
        forms.text(form, "description", max_length=5000),
        forms.text(form, "responsible", max_length=200),
        deadline,
    )


def progress(form: Mapping[str, Any]) -> ProgressInput:
    errors: dict[str, str] = {}
    status = _OWN_STATUSES.get(forms.text(form, "status", max_length=20))
    if status is None:
        errors["status"] = _("Välj ett läge i listan.")
    classification = _CLASSIFICATIONS.get(forms.text(form, "classification", max_length=40))
    if classification is None:
        errors["classification"] = _("Välj en märkning i listan.")
    note = forms.text(form, "note", max_length=2000)
    if len(note) > 2000:
        errors["note"] = _("Anteckningen får vara högst 2 000 tecken.")
    if errors:
        raise Invalid(errors)
    assert status is not None
    assert classification is not None
    return ProgressInput(status, classification, note)


def item_kind(form: Mapping[str, Any]) -> ItemKind:
    kind = {k.value: k for k in ItemKind}.get(forms.text(form, "item_kind", max_length=40))
    if kind is None:
        raise Invalid({"item_kind": _("Välj vad organisationerna lämnar.")})
    if kind is ItemKind.QUESTIONNAIRE:
        # Its questions are data in the process template; an item added here would have none.
        raise Invalid(
            {"item_kind": _("Ett frågeformulär kommer med sina frågor från processmallen.")}
        )
    return kind


def accepts(form: Mapping[str, Any]) -> bool | None:
    """The main contact's answer: ``accept``, ``decline``, or None when nothing was chosen (the
    form chooses nothing in advance)."""
    answer = forms.text(form, "answer", max_length=10)
    return {"accept": True, "decline": False}.get(answer)


def organisation_ids(form: Any) -> list[int]:
    """The checked organisations (repeated ``organisation`` fields)."""
    values = form.getlist("organisation") if hasattr(form, "getlist") else []
    ids = [forms.positive_int(v) for v in values if isinstance(v, str)]
    if not ids or any(i is None for i in ids) or len(ids) > 500:
        raise Invalid({"organisations": _("Välj minst en organisation i listan.")})
    return [i for i in ids if i is not None]
