"""Words for stored values (kinds, roles, states, audit actions) in the reader's language.

A template global (``labels.kinds[...]``), so that every template and every htmx fragment of
one has them; each table is translated once per language, not once per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from partner_portal import i18n
from partner_portal.i18n import gettext as _


@cache
def _kinds(language: str) -> Mapping[str, str]:
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


@cache
def _roles(language: str) -> Mapping[str, str]:
    return {"admin": _("Huvudkontakt"), "member": _("Representant")}


@cache
def _invitation_states(language: str) -> Mapping[str, str]:
    return {
        "queued": _("I kö för att skickas"),
        "sent": _("Skickad"),
        "failed": _("Kunde inte levereras"),
        "accepted": _("Accepterad"),
        "expired": _("Utgången"),
        "revoked": _("Återkallad"),
    }


@cache
def _audit_actions(language: str) -> Mapping[str, str]:
    return {
        "login": _("Inloggning"),
        "login_refused": _("Inloggning nekad"),
        "logout": _("Utloggning"),
        "role_granted": _("Portalroll tilldelad"),
        "role_revoked": _("Portalroll borttagen"),
        "organisation_created": _("Organisation registrerad"),
        "organisation_updated": _("Organisation ändrad"),
        "organisation_deactivated": _("Organisation inaktiverad"),
        "organisation_reactivated": _("Organisation aktiverad igen"),
        "invitation_sent": _("Inbjudan skickad"),
        "invitation_resent": _("Inbjudan skickad igen"),
        "invitation_accepted": _("Inbjudan accepterad"),
        "invitation_revoked": _("Inbjudan återkallad"),
        "membership_added": _("Person tillagd i organisation"),
        "membership_changed": _("Roll i organisation ändrad"),
        "membership_ended": _("Person borttagen ur organisation"),
    }


# Badge classes of the design system: colour is never the only signal, the word is always there.
INVITATION_BADGES: Mapping[str, str] = {
    "queued": "badge--default",
    "sent": "badge--info",
    "failed": "badge--error",
    "accepted": "badge--success",
    "expired": "badge--warning",
    "revoked": "badge--default",
}


class Labels:
    @property
    def kinds(self) -> Mapping[str, str]:
        return _kinds(i18n.current_language.get())

    @property
    def roles(self) -> Mapping[str, str]:
        return _roles(i18n.current_language.get())

    @property
    def invitation_states(self) -> Mapping[str, str]:
        return _invitation_states(i18n.current_language.get())

    @property
    def invitation_badges(self) -> Mapping[str, str]:
        return INVITATION_BADGES

    @property
    def audit_actions(self) -> Mapping[str, str]:
        return _audit_actions(i18n.current_language.get())


LABELS = Labels()
