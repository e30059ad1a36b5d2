"""Parsing the consultation forms: opening one, a statement, the municipality's response."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from partner_portal.consultations.models import Decision
from partner_portal.consultations.service import OpenInput, StatementInput
from partner_portal.forms import positive_int, text
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.models import Classification

MAX_STATEMENT = 20_000
_DECISIONS = {d.value: d for d in Decision}
_CLASSIFICATIONS = {c.value: c for c in Classification}


def _getlist(form: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if getlist else [form.get(name)]


def open_input(form: Mapping[str, Any]) -> OpenInput:
    errors: dict[str, str] = {}
    version_id = positive_int(text(form, "version", max_length=12))
    if version_id is None:
        errors["version"] = _("Välj en publicerad version av en plan i rummet.")
    deadline: date | None = None
    try:
        deadline = date.fromisoformat(text(form, "deadline", max_length=10))
    except ValueError:
        errors["deadline"] = _("Ange sista dag som ÅÅÅÅ-MM-DD.")
    organisation_ids: list[int] = []
    for value in _getlist(form, "organisations")[:500]:
        number = positive_int(value) if isinstance(value, str) else None
        if number is None:
            errors["organisations"] = _("Välj minst en organisation.")
            break
        organisation_ids.append(number)
    instructions = text(form, "instructions", max_length=4000)
    if len(instructions) > 4000:
        errors["instructions"] = _("Högst 4000 tecken.")
    if errors or version_id is None or deadline is None:
        raise Invalid(errors)
    return OpenInput(version_id, deadline, organisation_ids, instructions)


def statement_input(form: Mapping[str, Any]) -> StatementInput:
    errors: dict[str, str] = {}
    organisation_id = positive_int(text(form, "organisation", max_length=12))
    if organisation_id is None:
        errors["organisation"] = _("Välj organisation.")
    no_objections = text(form, "kind", max_length=20) == "inga-synpunkter"
    body = "" if no_objections else text(form, "body", max_length=MAX_STATEMENT)
    if len(body) > MAX_STATEMENT:
        errors["body"] = _("Högst %(max)s tecken.") % {"max": MAX_STATEMENT}
    raw = text(form, "classification", max_length=40) or Classification.INTERNAL.value
    classification: Classification | None = _CLASSIFICATIONS.get(raw)
    if classification is None:
        errors["classification"] = _("Välj en märkning.")
    if errors or organisation_id is None or classification is None:
        raise Invalid(errors)
    return StatementInput(organisation_id, no_objections, body, classification)


def unconfirmed_no_objections(form: Mapping[str, Any]) -> str | None:
    """The organisation (as posted) of an "Inga synpunkter" not yet confirmed on the page that
    shows what is signed; None for any other form."""
    if text(form, "kind", max_length=20) != "inga-synpunkter" or signing_confirmed(form):
        return None
    return text(form, "organisation", max_length=12)


def signing_confirmed(form: Mapping[str, Any]) -> bool:
    """The person pressed "Skicka och signera" on the page that shows what is signed."""
    return text(form, "bekraftat", max_length=3) == "ja"


def response_input(form: Mapping[str, Any]) -> tuple[Decision | None, str]:
    decision = _DECISIONS.get(text(form, "decision", max_length=20))
    reason = text(form, "reason", max_length=4000)
    if len(reason) > 4000:
        raise Invalid({"reason": _("Högst 4000 tecken.")})
    return decision, reason
