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
    }
