"""Words for the digest frequencies and the audit actions of mail preferences (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("digest_frequencies")
def _frequencies() -> Mapping[str, str]:
    return {
        "daily": _("Varje dag"),
        "weekly": _("En gång i veckan (måndagar)"),
        "none": _("Ingen sammanfattning"),
    }


@labels.words("mail_categories")
def _categories() -> Mapping[str, str]:
    return {
        "digest": _("sammanfattningar"),
        "reminder": _("påminnelser"),
    }


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "mail_preferences_changed": _("Inställningar för utskick ändrade"),
        "mail_unsubscribed": _("Avregistrerad från utskick via länk"),
    }
