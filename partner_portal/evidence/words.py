"""Words for the processes and the kinds of participation evidence (both defined in
evidence/models.py; registered in partner_portal/platform/labels.py)."""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.platform import labels
from partner_portal.platform.i18n import gettext as _


@labels.words("processes")
def _processes() -> Mapping[str, str]:
    return {
        "nodvatten": _("Nödvatten"),
        "el_styrel": _("El och styrel"),
        "hojd_beredskap": _("Höjd beredskap"),
        "riktlinjer": _("Riktlinjer för trygghets- och säkerhetsarbetet"),
        "frg": _("Frivilliga resursgruppen"),
        "samverkan": _("Samverkan"),
        "rsa": _("Risk- och sårbarhetsanalys"),
    }


@labels.words("evidence")
def _evidence() -> Mapping[str, str]:
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
        "pack_downloaded": _("har hämtat beredskapspaketet"),
    }
