"""Words for the audit actions of a person's own data (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "personal_data_exported": _("Person hämtade sina uppgifter"),
        "removal_requested": _("Person begärde radering av sina uppgifter"),
        "removal_withdrawn": _("Person återkallade sin begäran om radering"),
        "person_removed": _("Personens uppgifter raderades"),
    }
