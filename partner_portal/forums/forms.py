"""Parsing the forum and agreement forms into the service's typed input."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from partner_portal import forms
from partner_portal.forums.service import AgreementInput, ForumInput
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

COMMITMENT_MAX = 4000


def forum(form: Mapping[str, Any]) -> ForumInput:
    name = " ".join(forms.text(form, "name", max_length=200).split())
    if not name:
        raise Invalid({"name": _("Ge forumet ett namn, till exempel VPC.")})
    if len(name) > 200:
        raise Invalid({"name": _("Namnet får vara högst 200 tecken.")})
    return ForumInput(name, personal_data_free=form.get("personal_data_free") == "1")


def _date(form: Mapping[str, Any], name: str, errors: dict[str, str]) -> date | None:
    raw = forms.text(form, name, max_length=20)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Ange datumet som ÅÅÅÅ-MM-DD.")
        return None


def agreement(form: Mapping[str, Any], party_ids: list[int]) -> AgreementInput:
    """The record; a commitment field per party (``commitment-<organisation id>``)."""
    errors: dict[str, str] = {}
    title = " ".join(forms.text(form, "title", max_length=200).split())
    if not title:
        errors["title"] = _("Skriv vad överenskommelsen heter.")
    elif len(title) > 200:
        errors["title"] = _("Namnet får vara högst 200 tecken.")
    dates = {
        name: _date(form, name, errors)
        for name in ("signed_on", "valid_from", "valid_until", "next_revision_on")
    }
    commitments: dict[int, str] = {}
    for organisation_id in party_ids:
        text = forms.text(form, f"commitment-{organisation_id}", max_length=COMMITMENT_MAX + 1)
        if len(text) > COMMITMENT_MAX:
            errors[f"commitment-{organisation_id}"] = _("Åtagandet får vara högst 4000 tecken.")
        commitments[organisation_id] = text
    raw_document = forms.text(form, "document_id", max_length=12)
    # An id fits every database's integer column (as the route table's ids do).
    document_id = forms.positive_int(raw_document) if 0 < len(raw_document) <= 9 else None
    if raw_document and document_id is None:
        errors["document_id"] = _("Välj en fil ur forumets fillista.")
    if errors:
        raise Invalid(errors)
    return AgreementInput(
        title=title,
        signed_on=dates["signed_on"],
        valid_from=dates["valid_from"],
        valid_until=dates["valid_until"],
        next_revision_on=dates["next_revision_on"],
        commitments=commitments,
        document_id=document_id,
    )
