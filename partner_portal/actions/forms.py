"""Parsing the action form (also part of a meeting decision's form) and status changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from partner_portal import forms
from partner_portal.actions.models import ActionStatus
from partner_portal.actions.service import ActionInput
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _


def action(form: Mapping[str, Any], *, prefix: str = "action_") -> ActionInput:
    """The fields ``<prefix>title``, ``…organisation``, ``…person``, ``…due_on``,
    ``…description``; errors are keyed by the same names."""
    errors: dict[str, str] = {}
    title = " ".join(forms.text(form, f"{prefix}title", max_length=300).split())
    if not title:
        errors[f"{prefix}title"] = _("Beskriv kort vad som ska göras.")
    elif len(title) > 300:
        errors[f"{prefix}title"] = _("Åtgärden får vara högst 300 tecken.")
    organisation_id = forms.positive_int(forms.text(form, f"{prefix}organisation", max_length=12))
    if organisation_id is None:
        errors[f"{prefix}organisation"] = _("Välj vilken organisation som äger åtgärden.")
    raw_person = forms.text(form, f"{prefix}person", max_length=12)
    person_id = forms.positive_int(raw_person) if raw_person else None
    if raw_person and person_id is None:
        errors[f"{prefix}person"] = _("Välj en person i listan, eller ingen.")
    raw_due = forms.text(form, f"{prefix}due_on", max_length=10)
    try:
        due_on: date | None = date.fromisoformat(raw_due) if len(raw_due) == 10 else None
    except ValueError:
        due_on = None
    if due_on is None:
        errors[f"{prefix}due_on"] = _("Ange sista dag som ÅÅÅÅ-MM-DD.")
    elif due_on < clock.today() and not past_due_confirmed(form, prefix=prefix):
        # A date that has passed is usually a typing mistake; a late entry of an old action
        # is allowed when the person says so (a box to tick, no JavaScript needed).
        errors[f"{prefix}past_due"] = _(
            "Sista dagen har redan passerat. Välj ett senare datum, eller kryssa i rutan om "
            "datumet ska gälla ändå."
        )
    description = forms.text(form, f"{prefix}description", max_length=5000)
    if len(description) > 5000:
        errors[f"{prefix}description"] = _("Beskrivningen får vara högst 5 000 tecken.")
    if errors:
        raise Invalid(errors)
    assert organisation_id is not None
    assert due_on is not None
    return ActionInput(title, description, organisation_id, person_id, due_on)


def past_due_confirmed(form: Mapping[str, Any], *, prefix: str = "action_") -> bool:
    """The person ticked that a due date that has already passed is meant."""
    return forms.text(form, f"{prefix}past_due", max_length=3) == "ja"


def wants_action(form: Mapping[str, Any], *, prefix: str = "action_") -> bool:
    """Whether any of the action fields was filled in (a decision may have no action)."""
    return any(
        forms.text(form, f"{prefix}{name}", max_length=10)
        for name in ("title", "organisation", "person", "due_on", "description")
    )


def status(form: Mapping[str, Any]) -> ActionStatus:
    value = {s.value: s for s in ActionStatus}.get(forms.text(form, "status", max_length=20))
    if value is None:
        raise Invalid({"status": _("Välj ett läge i listan.")})
    return value


def phase_action(form: Mapping[str, Any]) -> tuple[int, ActionInput]:
    """The coordinator's form: a room's phase and the action."""
    errors: dict[str, str] = {}
    phase_id = forms.positive_int(forms.text(form, "phase", max_length=12))
    if phase_id is None:
        errors["phase"] = _("Välj en fas i listan.")
    data = None
    try:
        data = action(form)
    except Invalid as invalid:
        errors |= invalid.errors
    if errors:
        raise Invalid(errors)
    assert phase_id is not None
    assert data is not None
    return phase_id, data
