"""Words for the follow-up's participation levels and the audit actions this feature records
(registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("levels")
def _levels() -> Mapping[str, str]:
    return {
        "not_invited": _("Inte inbjuden"),
        "invited": _("Inbjuden, inget svar"),
        "declined": _("Avböjde eller lämnade"),
        "accepted": _("Tackade ja"),
        "active": _("Aktiv i dialogen"),
        "contributed": _("Lämnade underlag"),
        "completed": _("Slutfört"),
    }


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "api_token_issued": _("API-nyckel utfärdad"),
        "api_token_revoked": _("API-nyckel återkallad"),
        "programme_versioned": _("Ny version av programmets uppföljningsfrågor"),
        "programme_changed": _("Programversion ändrad innan den börjat gälla"),
        "followup_answer_written": _("Svar på uppföljningsfråga skrivet"),
    }


@labels.words("question_rules")
def _question_rules() -> Mapping[str, str]:
    return {
        "participation": _("Deltagande i processen"),
        "dialogue": _("Dialog etablerad i processen"),
        "dialogue_any": _("Dialog etablerad i någon process"),
        "manual": _("Skrivs av samordnaren (ingen evidens i portalen)"),
    }
