"""Words for organisations' stored values: kinds, roles, invitation states and the audit
actions this feature records (registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("kinds")
def _kinds() -> Mapping[str, str]:
    return {
        "kommunalt_bolag": _("Kommunalt bolag"),
        "stiftelse": _("Stiftelse"),
        "samverkansorgan": _("Samverkansorgan"),
        "polis": _("Polis"),
        "raddningstjanst": _("Räddningstjänst"),
        "vpc": _("Våldspreventivt center (VPC)"),
        "frg": _("Frivilliga resursgruppen (FRG)"),
        "forvaltning": _("Kommunal förvaltning"),
        "elnatsforetag": _("Elnätsföretag"),
        "va_huvudman": _("VA-huvudman"),
        "statlig_myndighet": _("Statlig myndighet"),
        "ovrig": _("Övrig organisation"),
    }


@labels.words("roles")
def _roles() -> Mapping[str, str]:
    return {"admin": _("Huvudkontakt"), "member": _("Representant")}


@labels.words("invitation_states")
def _invitation_states() -> Mapping[str, str]:
    return {
        "queued": _("I kö för att skickas"),
        "sent": _("Skickad"),
        "failed": _("Kunde inte levereras"),
        "accepted": _("Accepterad"),
        "expired": _("Utgången"),
        "revoked": _("Återkallad"),
    }


# Badge classes of the design system: colour is never the only signal, the word is always there.
labels.fixed(
    "invitation_badges",
    {
        "queued": "badge--default",
        "sent": "badge--info",
        "failed": "badge--error",
        "accepted": "badge--success",
        "expired": "badge--warning",
        "revoked": "badge--default",
    },
)


@labels.words("audit_actions")
def _audit_actions() -> Mapping[str, str]:
    return {
        "organisation_created": _("Organisation registrerad"),
        "organisation_updated": _("Organisation ändrad"),
        "organisation_deactivated": _("Organisation inaktiverad"),
        "organisation_reactivated": _("Organisation aktiverad igen"),
        "invitation_sent": _("Inbjudan skickad"),
        "invitation_resent": _("Inbjudan skickad igen"),
        "invitation_accepted": _("Inbjudan accepterad"),
        "invitation_revoked": _("Inbjudan återkallad"),
        "invitation_refused": _("Inbjudan nekad"),
        "membership_added": _("Person tillagd i organisation"),
        "membership_changed": _("Roll i organisation ändrad"),
        "membership_ended": _("Person borttagen ur organisation"),
    }
