"""Words for the audit actions of logging in and of portal roles (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "login": _("Inloggning"),
        "login_refused": _("Inloggning nekad"),
        "logout": _("Utloggning"),
        "role_granted": _("Portalroll tilldelad"),
        "role_revoked": _("Portalroll borttagen"),
    }
