"""Words for actions' states and the audit actions this feature records (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("action_status")
def _action_status() -> Mapping[str, str]:
    return {"open": _("Öppen"), "in_progress": _("Pågår"), "done": _("Klar")}


# Badge classes of the design system: colour is never the only signal, the word is always there.
labels.fixed(
    "action_badges",
    {"open": "badge--default", "in_progress": "badge--info", "done": "badge--success"},
)


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "action_created": _("Åtgärd skapad"),
        "action_status_changed": _("Åtgärdens läge ändrat"),
    }
