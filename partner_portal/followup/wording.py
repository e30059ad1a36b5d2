"""The report's answers in plain words, shared by the page and the PDF."""

from __future__ import annotations

from partner_portal.evidence.models import Process
from partner_portal.followup.report import Answer
from partner_portal.platform.i18n import gettext as _


def heading(answer: Answer) -> str:
    questions = {
        Process.NODVATTEN: _(
            "Deltog bolagen, stiftelserna och samverkansorganen i arbetet med nödvattenplanen?"
        ),
        Process.EL_STYREL: _("Deltog bolagen, stiftelserna och samverkansorganen i styrelarbetet?"),
        Process.RIKTLINJER: _(
            "Deltog bolagen, stiftelserna och samverkansorganen i arbetet med riktlinjerna?"
        ),
        Process.HOJD_BEREDSKAP: _("Är dialogen etablerad i planeringen för höjd beredskap?"),
        Process.FRG: _("Är dialogen etablerad med Frivilliga resursgruppen (FRG)?"),
        Process.SAMVERKAN: _("Är samverkan etablerad i de stående forumen?"),
        Process.RSA: _(
            "Deltog bolagen, stiftelserna och samverkansorganen i risk- och sårbarhetsanalysen?"
        ),
    }
    return f"{answer.point}) {questions[answer.process]}"


def paragraph(answer: Answer) -> str:
    numbers = {
        "took": answer.took_part,
        "total": answer.followed,
        "invited": answer.invited,
        "contributed": answer.contributed,
        "completed": answer.completed,
        "late": answer.late,
    }
    if answer.followed == 0:
        return _("Det finns inga sådana organisationer i registret för perioden.")
    if answer.process in (Process.HOJD_BEREDSKAP, Process.FRG, Process.SAMVERKAN):
        if not answer.established:
            text = _(
                "Nej. Ingen organisation deltog under perioden (%(invited)s av %(total)s bjöds in)."
            )
        else:
            text = _(
                "Ja. %(took)s av %(total)s organisationer deltog under perioden (%(invited)s "
                "bjöds in). %(contributed)s lämnade underlag."
            )
    elif answer.invited == 0:
        text = _("Ingen av de %(total)s organisationerna bjöds in under perioden.")
    else:
        text = _(
            "%(took)s av %(total)s organisationer deltog (%(invited)s bjöds in). "
            "%(contributed)s lämnade underlag och %(completed)s fick allt godkänt."
        )
    text %= numbers
    if answer.late:
        text += " " + _("%(late)s lämnade något underlag efter sista dagen.") % numbers
    if answer.absent:
        names = ", ".join(o.name for o in answer.absent)
        text += " " + _("Bjöds in men deltog inte: %(names)s.") % {"names": names}
    elif answer.invited:
        text += " " + _("Alla som bjöds in deltog.")
    return text
