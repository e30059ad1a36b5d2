"""Words for the municipality's decisions on statements and the audit actions this feature
records (registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("decisions")
def _decisions() -> Mapping[str, str]:
    return {
        "accepted": _("Tillgodosedd"),
        "partly": _("Delvis tillgodosedd"),
        "not_accepted": _("Inte tillgodosedd"),
    }


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "consultation_opened": _("Remiss öppnad"),
        "statement_submitted": _("Yttrande lämnat"),
        "statement_answered": _("Kommunens svar i sammanställningen"),
    }
