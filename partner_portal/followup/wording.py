"""The report's answers in plain words, shared by the page and the PDF: one way of wording per
rule (followup.programme_models.QuestionRule), whatever the question. The questions' own texts
come from the programme version, in the reader's language."""

from __future__ import annotations

from partner_portal.followup.programme_models import QuestionRule
from partner_portal.followup.programme_queries import Section
from partner_portal.followup.report import Answer, Applied
from partner_portal.platform.i18n import format_date
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS


def section_heading(section: Section) -> str:
    if not section.title:
        return _("Fokusområde %(number)s") % {"number": section.number}
    return _("Fokusområde %(number)s: %(title)s") % {
        "number": section.number,
        "title": section.title,
    }


def heading(answer: Answer) -> str:
    return f"{answer.point}) {answer.question.text}"


def short(answer: Answer) -> str:
    """What the question is about in a word or two, for the chart and its table: the process,
    or (dialogue in any process) the kinds of organisation."""
    if answer.process is not None:
        return LABELS.processes[answer.process.value]
    names = [LABELS.kinds[k] for k in answer.question.kinds if k in LABELS.kinds]
    return ", ".join(names) or _("Alla processer")


def programme_line(programme: Applied | None) -> str:
    """Which programme version the answers belong to, and whether its validity is over."""
    if programme is None:
        return _(
            "Inget program för trygghet och säkerhet hade börjat gälla vid periodens slut, så "
            "rapporten har inga frågor att besvara. Samordnaren lägger in programmet under "
            "Uppföljning, Programmets frågor."
        )
    version = programme.version
    words = {"name": version.name, "from": format_date(version.valid_from)}
    if version.decision:
        words["name"] = f"{version.name} ({version.decision})"
    if version.valid_to is None:
        return _("Frågorna är programversionens %(name)s, som gäller från %(from)s.") % words
    words["to"] = format_date(version.valid_to)
    if programme.expired:
        return (
            _(
                "Frågorna är programversionens %(name)s. Programmet gällde till %(to)s och "
                "ingen nyare version är inlagd, så dess frågor används tills en ny version "
                "läggs in."
            )
            % words
        )
    return _("Frågorna är programversionens %(name)s, som gäller %(from)s–%(to)s.") % words


def paragraph(answer: Answer) -> str:
    if answer.rule is QuestionRule.MANUAL:
        if not answer.written:
            return _(
                "Inget svar är skrivet för perioden. Portalen har ingen evidens för den här "
                "punkten; svaret skrivs av samordnaren."
            )
        return " ".join(w.text for w in answer.written)
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
    if answer.rule in (QuestionRule.DIALOGUE, QuestionRule.DIALOGUE_ANY):
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


def note(answer: Answer) -> str | None:
    """For a written answer: that the coordinator wrote it, for which period — never measured."""
    if answer.rule is not QuestionRule.MANUAL or not answer.written:
        return None
    periods = ", ".join(
        f"{format_date(w.first_day)}–{format_date(w.last_day)}" for w in answer.written
    )
    return _(
        "Skrivet av samordnaren för perioden %(periods)s, inte hämtat ur portalens evidens."
    ) % {"periods": periods}
