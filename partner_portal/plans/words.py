"""Words for the audit actions the plans feature records (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "plan_created": _("Plan skapad"),
        "plan_published": _("Planversion publicerad"),
        "plan_comment_edited": _("Kommentar på plan redigerad"),
    }
