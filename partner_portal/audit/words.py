"""Words for the audit actions that no one feature owns (registered in
partner_portal/platform/labels.py). Every other action's words live with the feature that
records it, in its ``words.py``."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        # Recorded by rooms, consultations and follow-up alike.
        "export_downloaded": _("Export hämtad"),
    }
