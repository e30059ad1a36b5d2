"""Words for forums' stored values: the agreement record's fields, as its history names them
(registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("agreement_fields")
def _agreement_fields() -> Mapping[str, str]:
    return {
        "title": _("Namn"),
        "signed_on": _("Undertecknad"),
        "valid_from": _("Giltig från"),
        "valid_until": _("Giltig till"),
        "next_revision_on": _("Nästa revidering"),
        "document_id": _("Undertecknat dokument"),
        "commitments": _("Parternas åtaganden"),
    }
