"""Words for what an organisation owes, the reminder steps, and the audit action this feature
records (registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("owed")
def _owed() -> Mapping[str, str]:
    return {
        "deliverables": _("Underlag"),
        "statement": _("Remissyttrande"),
        "room_answer": _("Svar på inbjudan till rum"),
        "meeting_answer": _("Svar på mötesinbjudan"),
    }


@labels.words("reminder_steps")
def _steps() -> Mapping[str, str]:
    return {
        "week_before": _("En vecka före"),
        "day_before": _("Dagen före"),
        "overdue": _("Försenat"),
        "before": _("Före sista dagen"),
        "unanswered": _("Obesvarad en vecka"),
        "escalated": _("Till ersättare och övriga"),
        "manual": _("Påmind av samordnare"),
    }


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {"reminder_sent": _("Påminnelse skickad")}
