"""Parsing the process-template editor: the whole template in one form, phases and items as
numbered fields, so adding and removing works without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.rooms.template_service import ItemDraft, PhaseDraft, TemplateDraft

MAX_PHASES = 30
MAX_ITEMS = 20


def _count(form: Mapping[str, Any], name: str, limit: int) -> int:
    value = forms.positive_int(forms.text(form, name, max_length=3)) or 0
    return min(value, limit)


def read(form: Mapping[str, Any]) -> TemplateDraft:
    """The form as typed, with rows marked for removal left out (no validation yet)."""
    phases = []
    for n in range(_count(form, "phases", MAX_PHASES)):
        if forms.text(form, f"p{n}-remove", max_length=2) == "on":
            continue
        phase = PhaseDraft(
            title=forms.text(form, f"p{n}-title", max_length=200),
            responsible=forms.text(form, f"p{n}-responsible", max_length=200),
            days=forms.text(form, f"p{n}-days", max_length=5),
            description=forms.text(form, f"p{n}-description", max_length=5000),
        )
        for m in range(_count(form, f"p{n}-items", MAX_ITEMS)):
            if forms.text(form, f"p{n}-i{m}-remove", max_length=2) == "on":
                continue
            phase.items.append(
                ItemDraft(
                    title=forms.text(form, f"p{n}-i{m}-title", max_length=200),
                    kind=forms.text(form, f"p{n}-i{m}-kind", max_length=40),
                    description=forms.text(form, f"p{n}-i{m}-description", max_length=5000),
                )
            )
        phases.append(phase)
    return TemplateDraft(
        forms.text(form, "name", max_length=200),
        forms.text(form, "description", max_length=5000),
        phases,
    )


def grow(draft: TemplateDraft, add: str) -> None:
    """Add an empty phase (``phase``) or an empty item to phase n (``item-n``)."""
    if add == "phase" and len(draft.phases) < MAX_PHASES:
        draft.phases.append(PhaseDraft())
    elif add.startswith("item-") and add[5:].isdigit():
        index = int(add[5:])
        if index < len(draft.phases) and len(draft.phases[index].items) < MAX_ITEMS:
            draft.phases[index].items.append(ItemDraft())
