"""Words for the audit actions the attachments feature records (registered in
partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {"file_uploaded": _("Fil uppladdad"), "file_downloaded": _("Fil hämtad")}
