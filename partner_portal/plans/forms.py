"""Parsing the plan, section, publishing and comment forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.plans.service import CommentInput, SectionInput
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

SECTION_BODY_MAX = 20_000
COMMENT_MAX = 4_000


# "1. Syfte", "2) Ansvar", "3.1 Mål": a number typed before the heading. The plan numbers its
# sections itself (by their place), so a typed one would be shown twice ("1. 1. Syfte").
_TYPED_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+)\s+(?=\S)")


def without_numbering(heading: str) -> str:
    """The heading without a number typed in front of it (the plan numbers its sections)."""
    return _TYPED_NUMBER.sub("", heading, count=1)


def _line(form: Mapping[str, Any], name: str, max_length: int) -> str:
    return " ".join(forms.text(form, name, max_length=max_length).split())


def _multiline(form: Mapping[str, Any], name: str, max_length: int) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    # Browsers send CRLF; the stored text uses LF, so versions compare by their words.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()[: max_length + 1]


def plan_title(form: Mapping[str, Any]) -> str:
    title = _line(form, "title", 200)
    if not title:
        raise Invalid({"title": _("Ge planen en titel.")})
    if len(title) > 200:
        raise Invalid({"title": _("Titeln får vara högst 200 tecken.")})
    return title


def section(form: Mapping[str, Any]) -> SectionInput:
    errors: dict[str, str] = {}
    heading = without_numbering(_line(form, "heading", 200))
    body = _multiline(form, "body", SECTION_BODY_MAX)
    if not heading:
        errors["heading"] = _("Ge avsnittet en rubrik.")
    elif len(heading) > 200:
        errors["heading"] = _("Rubriken får vara högst 200 tecken.")
    if len(body) > SECTION_BODY_MAX:
        errors["body"] = _("Texten får vara högst %(max)s tecken.") % {"max": SECTION_BODY_MAX}
    raw_position = forms.text(form, "position", max_length=6)
    position = forms.positive_int(raw_position) if raw_position else None
    if raw_position and position is None:
        errors["position"] = _("Ange plats som ett heltal, 1 eller större.")
    if errors:
        raise Invalid(errors)
    return SectionInput(heading, body, position)


def publish_note(form: Mapping[str, Any]) -> str:
    note = _multiline(form, "note", 2000)
    if len(note) > 2000:
        raise Invalid({"note": _("Beskrivningen får vara högst 2000 tecken.")})
    return note


def comment(form: Mapping[str, Any]) -> CommentInput:
    body = _multiline(form, "body", COMMENT_MAX)
    if not body:
        raise Invalid({"body": _("Skriv en kommentar.")})
    if len(body) > COMMENT_MAX:
        raise Invalid(
            {"body": _("Kommentaren får vara högst %(max)s tecken.") % {"max": COMMENT_MAX}}
        )
    parent = forms.text(form, "parent_id", max_length=12)
    organisation = forms.text(form, "organisation_id", max_length=12)
    return CommentInput(
        body,
        forms.positive_int(parent) if parent else None,
        forms.positive_int(organisation) if organisation else None,
    )
