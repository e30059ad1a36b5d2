"""Words for the audit actions of the contact directory and the crisis pack (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "contacts_changed": _("Krisledningskontakter ändrade"),
        "contacts_confirmed": _("Krisledningskontakter bekräftade"),
        "crisis_pack_downloaded": _("Beredskapspaket hämtat"),
    }
