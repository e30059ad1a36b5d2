"""Parsing the settings form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal import forms
from partner_portal.platform import i18n
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.preferences.service import PreferencesInput


def preferences(form: Mapping[str, Any]) -> PreferencesInput:
    language = forms.text(form, "language", max_length=8)
    if language not in i18n.LANGUAGES:
        raise Invalid({"language": _("Välj svenska eller engelska.")})
    return PreferencesInput(language=language)
