"""Words for meetings' answers to an invitation and the audit actions this feature records
(registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("rsvp")
def _rsvp() -> Mapping[str, str]:
    return {"yes": _("Ja"), "no": _("Nej"), "maybe": _("Kanske")}


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "meeting_created": _("Möte planerat"),
        "meeting_updated": _("Möte ändrat"),
        "meeting_cancelled": _("Möte inställt"),
        "meeting_attendance_recorded": _("Närvaro vid möte registrerad"),
        "meeting_minutes_filed": _("Mötesprotokoll sparat"),
        "meeting_series_created": _("Mötesserie planerad"),
        "meeting_occurrence_changed": _("Tillfälle i mötesserie ändrat"),
        "meeting_occurrence_cancelled": _("Tillfälle i mötesserie inställt"),
        "calendar_feed_created": _("Kalenderlänk skapad"),
        "calendar_feed_revoked": _("Kalenderlänk återkallad"),
    }
