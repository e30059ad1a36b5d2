"""Parsing the file form's fields (the files themselves are checked while they are read)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal.attachments.service import FilesInput
from partner_portal.forms import choice, positive_int, text
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.models import Classification

_CLASSIFICATIONS = {c.value: c for c in Classification}
MUNICIPALITY = "kommunen"  # the coordinator uploads for the municipality


def classification(form: Mapping[str, Any]) -> Classification:
    value = choice(text(form, "classification", max_length=40), _CLASSIFICATIONS)
    if value is None:
        raise Invalid({"classification": _("Välj en märkning.")})
    result: Classification = value
    return result


def files_input(form: Mapping[str, Any], *, default_organisation: int | None) -> FilesInput:
    errors: dict[str, str] = {}
    raw_org = text(form, "organisation", max_length=12)
    organisation_id: int | None
    if raw_org == MUNICIPALITY:
        organisation_id = None
    elif raw_org:
        organisation_id = positive_int(raw_org)
        if organisation_id is None:
            errors["organisation"] = _("Välj vilken organisation filen lämnas för.")
    else:
        organisation_id = default_organisation
    label: Classification | None = choice(
        text(form, "classification", max_length=40), _CLASSIFICATIONS
    )
    if label is None:
        errors["classification"] = _("Välj en märkning.")
    title = text(form, "title", max_length=200)
    note = text(form, "note", max_length=2000)
    if len(title) > 200:
        errors["title"] = _("Högst 200 tecken.")
    if len(note) > 2000:
        errors["note"] = _("Högst 2000 tecken.")
    if errors or label is None:
        raise Invalid(errors)
    return FilesInput(organisation_id, label, title, note)
