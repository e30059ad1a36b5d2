"""Words for planning rooms' stored values: progress (and the overview's cell states), item
kinds, participation, classifications, phase states and the audit actions this feature
records (registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("progress")
def _progress() -> Mapping[str, str]:
    return {
        "not_started": _("Inte påbörjad"),
        "in_progress": _("Pågår"),
        "submitted": _("Inlämnad"),
        "returned": _("Återskickad för komplettering"),
        "approved": _("Godkänd"),
        "not_applicable": _("Ej aktuell"),
        "nothing_owed": _("Inget att lämna"),  # a cell state of the overview (rooms.status)
    }


# Badge classes of the design system: colour is never the only signal, the word is always there.
labels.fixed(
    "progress_badges",
    {
        "not_started": "badge--default",
        "in_progress": "badge--info",
        "submitted": "badge--info-inverted",
        "returned": "badge--warning",
        "approved": "badge--success",
        "not_applicable": "badge--default-inverted",
        "nothing_owed": "badge--default-inverted",
    },
)


@labels.words("item_kinds")
def _item_kinds() -> Mapping[str, str]:
    return {
        "checklist": _("Bekräftelse (checkpunkt)"),
        "styrel_users": _("Styrel: elanvändare och anslutningspunkter"),
        "water_needs": _("Nödvatten: behov per plats"),
        "readiness_status": _("Höjd beredskap: läge för krigsorganisation och säkerhetsskydd"),
        "questionnaire": _("Frågeformulär"),
    }


@labels.words("participation")
def _participation() -> Mapping[str, str]:
    return {
        "invited": _("Inbjuden"),
        "accepted": _("Deltar"),
        "declined": _("Avstår"),
        "withdrawn": _("Har lämnat rummet"),
    }


@labels.words("classifications")
def _classifications() -> Mapping[str, str]:
    return {
        "public": _("Offentlig"),
        "internal": _("Intern"),
        "confidential_metadata_only": _("Konfidentiell – endast metadata"),
    }


@labels.words("phase_states")
def _phase_states() -> Mapping[str, str]:
    return {"upcoming": _("Kommande"), "current": _("Pågår nu"), "done": _("Avslutad")}


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "room_opened": _("Planeringsrum öppnat"),
        "room_closed": _("Planeringsrum stängt"),
        "room_phase_changed": _("Fas i planeringsrum ändrad"),
        "room_organisation_invited": _("Organisation inbjuden till planeringsrum"),
        "room_answered": _("Svar på inbjudan till planeringsrum"),
        "item_submitted": _("Underlag inlämnat"),
        "item_reviewed": _("Underlag granskat"),
        "template_versioned": _("Processmall ändrad"),
    }
