"""Words for stored values (kinds, roles, states, audit actions) in the reader's language.

A template global (``labels.kinds[...]``), so that every template and every htmx fragment of
one has them; each table is translated once per language, not once per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from partner_portal.platform import i18n
from partner_portal.platform.i18n import gettext as _


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
        "room_opened": _("Planeringsrum öppnat"),
        "room_closed": _("Planeringsrum stängt"),
        "room_phase_changed": _("Fas i planeringsrum ändrad"),
        "room_organisation_invited": _("Organisation inbjuden till planeringsrum"),
        "room_answered": _("Svar på inbjudan till planeringsrum"),
        "item_submitted": _("Underlag inlämnat"),
        "item_reviewed": _("Underlag granskat"),
        "template_versioned": _("Processmall ändrad"),
        "export_downloaded": _("Export hämtad"),
        "api_token_issued": _("API-nyckel utfärdad"),
        "api_token_revoked": _("API-nyckel återkallad"),
        "meeting_created": _("Möte planerat"),
        "meeting_updated": _("Möte ändrat"),
        "meeting_cancelled": _("Möte inställt"),
        "meeting_attendance_recorded": _("Närvaro vid möte registrerad"),
        "meeting_minutes_filed": _("Mötesprotokoll sparat"),
        "action_created": _("Åtgärd skapad"),
        "action_status_changed": _("Åtgärdens läge ändrat"),
        "calendar_feed_created": _("Kalenderlänk skapad"),
        "calendar_feed_revoked": _("Kalenderlänk återkallad"),
        "frg_volunteer_invited": _("FRG-medlem inbjuden"),
        "frg_volunteer_joined": _("FRG-medlem anmäld"),
        "frg_volunteer_approved": _("FRG-medlem godkänd"),
        "frg_volunteer_deleted": _("FRG-medlem raderade sina uppgifter"),
        "frg_signup_link_created": _("Anmälningslänk för FRG skapad"),
        "frg_callout_sent": _("FRG-utlarmning skickad"),
        "frg_callout_closed": _("FRG-utlarmning stängd"),
        "frg_data_exported": _("FRG-medlem hämtade sina uppgifter"),
        "personal_data_exported": _("Person hämtade sina uppgifter"),
        "removal_requested": _("Person begärde radering av sina uppgifter"),
        "removal_withdrawn": _("Person återkallade sin begäran om radering"),
        "person_removed": _("Personens uppgifter raderades"),
        "file_uploaded": _("Fil uppladdad"),
        "file_downloaded": _("Fil hämtad"),
        "consultation_opened": _("Remiss öppnad"),
        "statement_submitted": _("Yttrande lämnat"),
        "statement_answered": _("Kommunens svar i sammanställningen"),
        "plan_created": _("Plan skapad"),
        "plan_published": _("Planversion publicerad"),
        "plan_comment_edited": _("Kommentar på plan redigerad"),
    }


@cache
def _processes(language: str) -> Mapping[str, str]:
    return {
        "nodvatten": _("Nödvatten"),
        "el_styrel": _("El och styrel"),
        "hojd_beredskap": _("Höjd beredskap"),
        "riktlinjer": _("Riktlinjer för trygghets- och säkerhetsarbetet"),
        "frg": _("Frivilliga resursgruppen"),
    }


@cache
def _progress(language: str) -> Mapping[str, str]:
    return {
        "not_started": _("Inte påbörjad"),
        "in_progress": _("Pågår"),
        "submitted": _("Inlämnad"),
        "returned": _("Återskickad för komplettering"),
        "approved": _("Godkänd"),
        "not_applicable": _("Ej aktuell"),
        "nothing_owed": _("Inget att lämna"),
    }


@cache
def _levels(language: str) -> Mapping[str, str]:
    return {
        "not_invited": _("Inte inbjuden"),
        "invited": _("Inbjuden, inget svar"),
        "declined": _("Avböjde eller lämnade"),
        "accepted": _("Tackade ja"),
        "active": _("Aktiv i dialogen"),
        "contributed": _("Lämnade underlag"),
        "completed": _("Slutfört"),
    }


@cache
def _item_kinds(language: str) -> Mapping[str, str]:
    return {
        "checklist": _("Bekräftelse (checkpunkt)"),
        "styrel_users": _("Styrel: elanvändare och anslutningspunkter"),
        "water_needs": _("Nödvatten: behov per plats"),
        "readiness_status": _("Höjd beredskap: läge för krigsorganisation och säkerhetsskydd"),
    }


@cache
def _participation(language: str) -> Mapping[str, str]:
    return {
        "invited": _("Inbjuden"),
        "accepted": _("Deltar"),
        "declined": _("Avstår"),
        "withdrawn": _("Har lämnat rummet"),
    }


@cache
def _classifications(language: str) -> Mapping[str, str]:
    return {
        "public": _("Offentlig"),
        "internal": _("Intern"),
        "confidential_metadata_only": _("Konfidentiell – endast metadata"),
    }


@cache
def _phase_states(language: str) -> Mapping[str, str]:
    return {"upcoming": _("Kommande"), "current": _("Pågår nu"), "done": _("Avslutad")}


@cache
def _evidence(language: str) -> Mapping[str, str]:
    return {
        "organisation_invited": _("bjöds in till portalen"),
        "invitation_accepted": _("accepterade inbjudan till portalen"),
        "room_invited": _("bjöds in till rummet"),
        "room_accepted": _("tackade ja till att delta"),
        "room_declined": _("avstod från att delta"),
        "item_submitted": _("lämnade in ett underlag"),
        "item_approved": _("fick ett underlag godkänt"),
        "item_returned": _("fick ett underlag återskickat för komplettering"),
        "room_withdrawn": _("lämnade rummet"),
        "room_completed": _("fick allt godkänt i rummet"),
        "meeting_attended": _("deltog i ett möte"),
        "rsvp_given": _("svarade på en mötesinbjudan"),
        "action_completed": _("slutförde en åtgärd"),
        "callout_held": _("larmade ut frivilliga"),
        "comment_made": _("kommenterade en plan"),
        "statement_submitted": _("lämnade ett yttrande på en remiss"),
        "file_uploaded": _("laddade upp en fil"),
    }


@cache
def _decisions(language: str) -> Mapping[str, str]:
    return {
        "accepted": _("Tillgodosedd"),
        "partly": _("Delvis tillgodosedd"),
        "not_accepted": _("Inte tillgodosedd"),
    }


@cache
def _rsvp(language: str) -> Mapping[str, str]:
    return {"yes": _("Ja"), "no": _("Nej"), "maybe": _("Kanske")}


@cache
def _action_status(language: str) -> Mapping[str, str]:
    return {"open": _("Öppen"), "in_progress": _("Pågår"), "done": _("Klar")}


ACTION_BADGES: Mapping[str, str] = {
    "open": "badge--default",
    "in_progress": "badge--info",
    "done": "badge--success",
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
PROGRESS_BADGES: Mapping[str, str] = {
    "not_started": "badge--default",
    "in_progress": "badge--info",
    "submitted": "badge--info-inverted",
    "returned": "badge--warning",
    "approved": "badge--success",
    "not_applicable": "badge--default-inverted",
    "nothing_owed": "badge--default-inverted",
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

    @property
    def processes(self) -> Mapping[str, str]:
        return _processes(i18n.current_language.get())

    @property
    def progress(self) -> Mapping[str, str]:
        return _progress(i18n.current_language.get())

    @property
    def progress_badges(self) -> Mapping[str, str]:
        return PROGRESS_BADGES

    @property
    def levels(self) -> Mapping[str, str]:
        return _levels(i18n.current_language.get())

    @property
    def item_kinds(self) -> Mapping[str, str]:
        return _item_kinds(i18n.current_language.get())

    @property
    def participation(self) -> Mapping[str, str]:
        return _participation(i18n.current_language.get())

    @property
    def classifications(self) -> Mapping[str, str]:
        return _classifications(i18n.current_language.get())

    @property
    def phase_states(self) -> Mapping[str, str]:
        return _phase_states(i18n.current_language.get())

    @property
    def evidence(self) -> Mapping[str, str]:
        return _evidence(i18n.current_language.get())

    @property
    def rsvp(self) -> Mapping[str, str]:
        return _rsvp(i18n.current_language.get())

    @property
    def action_status(self) -> Mapping[str, str]:
        return _action_status(i18n.current_language.get())

    @property
    def action_badges(self) -> Mapping[str, str]:
        return ACTION_BADGES

    @property
    def decisions(self) -> Mapping[str, str]:
        return _decisions(i18n.current_language.get())


LABELS = Labels()
