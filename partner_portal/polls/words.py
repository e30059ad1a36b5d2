"""Words for date polls' answers and the audit actions this feature records (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("poll_answers")
def _answers() -> Mapping[str, str]:
    return {"yes": _("Ja"), "if_needed": _("Om det behövs"), "no": _("Nej")}


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "date_poll_created": _("Omröstning om mötestid skapad"),
        "date_poll_answered": _("Svar på omröstning om mötestid"),
        "date_poll_booked": _("Omröstning om mötestid blev ett möte"),
    }
