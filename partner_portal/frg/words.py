"""Words for the audit actions the FRG feature records (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "frg_volunteer_invited": _("FRG-medlem inbjuden"),
        "frg_volunteer_joined": _("FRG-medlem anmäld"),
        "frg_volunteer_approved": _("FRG-medlem godkänd"),
        "frg_volunteer_deleted": _("FRG-medlem raderade sina uppgifter"),
        "frg_signup_link_created": _("Anmälningslänk för FRG skapad"),
        "frg_callout_sent": _("FRG-utlarmning skickad"),
        "frg_callout_closed": _("FRG-utlarmning stängd"),
        "frg_data_exported": _("FRG-medlem hämtade sina uppgifter"),
    }
