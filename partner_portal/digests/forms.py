"""Parsing the mail preferences form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.mail.preference_models import DigestFrequency
from partner_portal.mail.preferences import Preferences
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _


def preferences(form: Mapping[str, Any]) -> Preferences:
    """The fields ``frekvens`` (daily, weekly, none) and ``paminnelser`` (a box: "ja")."""
    raw = forms.text(form, "frekvens", max_length=10)
    try:
        frequency = DigestFrequency(raw)
    except ValueError:
        raise Invalid({"frekvens": _("Välj hur ofta du vill få sammanfattningen.")}) from None
    return Preferences(frequency, reminders=forms.text(form, "paminnelser", max_length=3) == "ja")
