"""Programme versions as data: a revised programme is a new version, made by copying the latest
and changing its name, dates, sections and questions (programme_forms.py reads the draft).

History is not rewritten: a version that has started to apply (its first day has come) may
have answered a report — one the board has read, or a PDF in the archive — so it never changes
in place; a correction is a new version. Only a version whose first day is still ahead, and
that has no written answers, may be changed in place. Two versions never apply on the same day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Process
from partner_portal.followup import programme_queries
from partner_portal.followup.programme_models import (
    FollowupQuestion,
    ManualAnswer,
    ProgrammeVersion,
    QuestionRule,
)
from partner_portal.followup.programme_queries import QuestionRow, VersionRow
from partner_portal.followup.report import applied
from partner_portal.forms import iso_day
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import format_date
from partner_portal.platform.i18n import gettext as _

MAX_SECTIONS = 10
MAX_QUESTIONS = 40
MAX_TEXT = 1000
MAX_ANSWER = 5000
_SECTION_NUMBER = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}")
_POINT = re.compile(r"[a-zåäö0-9]{1,3}")
_KINDS = {k.value for k in OrganisationKind}
_PROCESSES = {p.value for p in Process}
_RULES = {r.value for r in QuestionRule}
# The rules that read one process (the others read every process, or none).
_ONE_PROCESS = {QuestionRule.PARTICIPATION.value, QuestionRule.DIALOGUE.value}


@dataclass
class SectionDraft:
    number: str = ""
    title_sv: str = ""
    title_en: str = ""


@dataclass
class QuestionDraft:
    section: str = ""
    point: str = ""
    text_sv: str = ""
    text_en: str = ""
    rule: str = QuestionRule.PARTICIPATION.value
    process: str = ""
    kinds: list[str] = field(default_factory=list)


@dataclass
class ProgrammeDraft:
    name: str = ""
    decision: str = ""
    valid_from: str = ""
    valid_to: str = ""
    sections: list[SectionDraft] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Checked:
    """A draft that passed validate(): its dates read."""

    draft: ProgrammeDraft
    valid_from: date
    valid_to: date | None


def validate(draft: ProgrammeDraft) -> Checked:
    """Raise Invalid naming each field that cannot be saved (in Swedish, beside the field)."""
    errors: dict[str, str] = {}
    if not draft.name or len(draft.name) > 200:
        errors["name"] = _("Ange programversionens namn (högst 200 tecken).")
    if len(draft.decision) > 200:
        errors["decision"] = _("Beslutet får vara högst 200 tecken.")
    valid_from, valid_to = iso_day(draft.valid_from), iso_day(draft.valid_to)
    if valid_from is None:
        errors["valid_from"] = _("Ange första dagen programmet gäller, som ÅÅÅÅ-MM-DD.")
    if draft.valid_to and valid_to is None:
        errors["valid_to"] = _("Ange sista dagen som ÅÅÅÅ-MM-DD, eller lämna tomt.")
    elif valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("Sista dagen kan inte vara före den första.")
    numbers: set[str] = set()
    for n, section in enumerate(draft.sections):
        if not _SECTION_NUMBER.fullmatch(section.number):
            errors[f"s{n}-number"] = _("Ange avsnittets nummer, till exempel 4.1.")
        elif section.number in numbers:
            errors[f"s{n}-number"] = _("Två avsnitt kan inte ha samma nummer.")
        numbers.add(section.number)
        if not section.title_sv or len(section.title_sv) > 200:
            errors[f"s{n}-title_sv"] = _("Ange avsnittets rubrik (högst 200 tecken).")
        if len(section.title_en) > 200:
            errors[f"s{n}-title_en"] = _("Rubriken får vara högst 200 tecken.")
    if not draft.questions:
        errors["questions"] = _("En programversion behöver minst en fråga.")
    points: set[tuple[str, str]] = set()
    for n, question in enumerate(draft.questions):
        if question.section not in numbers:
            errors[f"q{n}-section"] = _("Välj ett av programversionens avsnitt.")
        if not _POINT.fullmatch(question.point):
            errors[f"q{n}-point"] = _("Ange punkten med en till tre små bokstäver eller siffror.")
        elif (question.section, question.point) in points:
            errors[f"q{n}-point"] = _("Avsnittet har redan en punkt med den beteckningen.")
        points.add((question.section, question.point))
        if not question.text_sv or len(question.text_sv) > MAX_TEXT:
            errors[f"q{n}-text_sv"] = _("Skriv frågan på svenska (högst 1 000 tecken).")
        if len(question.text_en) > MAX_TEXT:
            errors[f"q{n}-text_en"] = _("Frågan får vara högst 1 000 tecken.")
        if question.rule not in _RULES:
            errors[f"q{n}-rule"] = _("Välj hur frågan besvaras.")
        elif question.rule in _ONE_PROCESS and question.process not in _PROCESSES:
            errors[f"q{n}-process"] = _("Välj processen som frågan gäller.")
        if any(k not in _KINDS for k in question.kinds):
            errors[f"q{n}-kinds"] = _("Välj bland registrets sorters organisationer.")
    if errors:
        raise Invalid(errors)
    assert valid_from is not None
    return Checked(draft, valid_from, valid_to)


def _overlap(checked: Checked, others: list[VersionRow]) -> None:
    """Refuse a validity that shares a day with another version's."""
    for other in others:
        starts_before_other_ends = other.valid_to is None or checked.valid_from <= other.valid_to
        ends_after_other_starts = checked.valid_to is None or other.valid_from <= checked.valid_to
        if starts_before_other_ends and ends_after_other_starts:
            words = {"name": other.name, "from": format_date(other.valid_from)}
            if other.valid_to is None:
                message = _(
                    "Giltighetstiden överlappar %(name)s, som gäller från %(from)s tills vidare. "
                    "Två programversioner kan inte gälla samma dag."
                )
            else:
                words["to"] = format_date(other.valid_to)
                message = _(
                    "Giltighetstiden överlappar %(name)s, som gäller %(from)s–%(to)s. Två "
                    "programversioner kan inte gälla samma dag."
                )
            raise Invalid({"valid_from": message % words})


def changeable(version: VersionRow, *, today: date) -> bool:
    """Whether the version may still change in place: its first day is ahead (no report can
    yet have been answered from it for a period that has begun)."""
    return version.valid_from > today


async def version_to_change(
    db: AsyncSession, actor: CurrentPerson, programme_id: int
) -> VersionRow:
    """The version, for a coordinator to change in place; 404 when it may not change."""
    if not actor.is_coordinator:
        raise NotFound()
    version = await programme_queries.version(db, programme_id)
    if version is None or not changeable(version, today=clock.today()):
        raise NotFound()
    return version


async def manual_question(db: AsyncSession, actor: CurrentPerson, question_id: int) -> QuestionRow:
    """A question the coordinator answers in writing; 404 for any other."""
    if not actor.is_coordinator:
        raise NotFound()
    question = await programme_queries.question(db, question_id)
    if question is None or question.rule is not QuestionRule.MANUAL:
        raise NotFound()
    return question


async def draft_of(db: AsyncSession, version: VersionRow, *, as_new: bool) -> ProgrammeDraft:
    """The version as an editable draft; ``as_new``: the copy that starts a new version (its
    dates left for the coordinator, the first day suggested after the copied one's last)."""
    questions = await programme_queries.questions(db, version.id)
    if as_new:
        valid_from = ""
        if version.valid_to is not None:
            valid_from = date.fromordinal(version.valid_to.toordinal() + 1).isoformat()
        valid_to = ""
    else:
        valid_from = version.valid_from.isoformat()
        valid_to = version.valid_to.isoformat() if version.valid_to else ""
    return ProgrammeDraft(
        name=version.name,
        decision=version.decision or "",
        valid_from=valid_from,
        valid_to=valid_to,
        sections=[SectionDraft(s.number, s.title_sv, s.title_en) for s in version.sections],
        questions=[
            QuestionDraft(
                q.section,
                q.point,
                q.text_sv,
                q.text_en,
                q.rule.value,
                q.process.value if q.process else "",
                list(q.kinds),
            )
            for q in questions
        ],
    )


async def _others(db: AsyncSession, *, besides: int | None) -> list[VersionRow]:
    """Every other version, read after taking the versions' rows for this transaction, so two
    coordinators saving at once take turns and the second sees the first's version."""
    await db.execute(sa.select(col(ProgrammeVersion.id)).with_for_update())
    return [v for v in await programme_queries.versions(db) if v.id != besides]


def _sections(draft: ProgrammeDraft) -> list[dict[str, str]]:
    return [{"number": s.number, "sv": s.title_sv, "en": s.title_en} for s in draft.sections]


def _add_questions(db: AsyncSession, programme_id: int, draft: ProgrammeDraft) -> None:
    for position, question in enumerate(draft.questions, start=1):
        rule = QuestionRule(question.rule)
        db.add(
            FollowupQuestion(
                programme_id=programme_id,
                position=position,
                section=question.section,
                point=question.point,
                text_sv=question.text_sv,
                text_en=question.text_en,
                rule=rule,
                process=Process(question.process) if rule.value in _ONE_PROCESS else None,
                kinds=question.kinds,
            )
        )


async def create_version(db: AsyncSession, *, actor: CurrentPerson, draft: ProgrammeDraft) -> int:
    """Save the draft as a new programme version. Refused (Invalid, nothing written) when it
    cannot be saved or its validity overlaps another version's. Side effects: the version and
    its question rows; ``programme_versioned`` audited. Commits. Returns the new version's id."""
    if not actor.is_coordinator:
        raise NotFound()
    checked = validate(draft)
    _overlap(checked, await _others(db, besides=None))
    version = ProgrammeVersion(
        name=draft.name,
        decision=draft.decision or None,
        valid_from=checked.valid_from,
        valid_to=checked.valid_to,
        sections=_sections(draft),
        created_by=actor.id,
    )
    db.add(version)
    await db.flush()
    assert version.id is not None
    _add_questions(db, version.id, draft)
    record(
        db,
        AuditAction.PROGRAMME_VERSIONED,
        actor_id=actor.id,
        object_type="programme_version",
        object_id=version.id,
        name=version.name,
        valid_from=checked.valid_from.isoformat(),
        valid_to=checked.valid_to.isoformat() if checked.valid_to else None,
        questions=len(draft.questions),
    )
    await db.commit()
    return version.id


async def change_version(
    db: AsyncSession, *, actor: CurrentPerson, programme_id: int, draft: ProgrammeDraft
) -> int:
    """Change a version whose first day is still ahead, in place: its fields, and its questions
    replaced. Refused (Invalid, nothing written) like create_version, and when a written answer
    already belongs to one of its questions. Side effects: the version row, its question rows
    deleted and written again; ``programme_changed`` audited. Commits. Returns its id."""
    version = await version_to_change(db, actor, programme_id)
    checked = validate(draft)
    _overlap(checked, await _others(db, besides=version.id))
    if await programme_queries.has_written_answers(db, version.id):
        raise Invalid(
            {
                "questions": _(
                    "Samordnaren har redan skrivit svar på versionens frågor, så den kan inte "
                    "ändras. Gör en ny version i stället."
                )
            }
        )
    row = await db.get(ProgrammeVersion, version.id)
    assert row is not None
    row.name = draft.name
    row.decision = draft.decision or None
    row.valid_from = checked.valid_from
    row.valid_to = checked.valid_to
    row.sections = _sections(draft)
    await db.execute(
        sa.delete(FollowupQuestion).where(col(FollowupQuestion.programme_id) == version.id)
    )
    _add_questions(db, version.id, draft)
    record(
        db,
        AuditAction.PROGRAMME_CHANGED,
        actor_id=actor.id,
        object_type="programme_version",
        object_id=version.id,
        name=draft.name,
        valid_from=checked.valid_from.isoformat(),
        valid_to=checked.valid_to.isoformat() if checked.valid_to else None,
        questions=len(draft.questions),
    )
    await db.commit()
    return version.id


async def write_answer(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    question_id: int,
    first: date,
    last: date,
    text: str,
) -> None:
    """The coordinator's answer to a manual question for the period [first, last], replacing
    one written before for the same period. Refused (Invalid, nothing written) when empty or
    too long, or when the question's programme version is not the one the period is followed
    up against. Side effects: the answer row; ``followup_answer_written`` audited with the
    text. Commits."""
    question = await manual_question(db, actor, question_id)
    text = text.strip()
    if not text:
        raise Invalid({"text": _("Skriv svaret.")})
    if len(text) > MAX_ANSWER:
        raise Invalid({"text": _("Svaret får vara högst 5 000 tecken.")})
    programme = applied(await programme_queries.versions(db), last)
    if programme is None or programme.version.id != question.programme_id:
        raise Invalid(
            {
                "text": _(
                    "Frågan hör till en annan programversion än den som perioden följs upp mot. "
                    "Välj en period inom programversionens giltighetstid."
                )
            }
        )
    # Two coordinators writing the first answer for the same period at once take turns on the
    # question's row (the second then replaces the first's answer instead of failing).
    await db.execute(
        sa.select(col(FollowupQuestion.id))
        .where(col(FollowupQuestion.id) == question.id)
        .with_for_update()
    )
    existing = await db.scalar(
        sa.select(ManualAnswer).where(
            col(ManualAnswer.question_id) == question.id,
            col(ManualAnswer.first_day) == first,
            col(ManualAnswer.last_day) == last,
        )
    )
    if existing is None:
        existing = ManualAnswer(question_id=question.id, first_day=first, last_day=last, text="")
        db.add(existing)
    replaced = existing.text or None
    existing.text = text
    existing.written_at = clock.now()
    existing.written_by = actor.id
    await db.flush()
    record(
        db,
        AuditAction.FOLLOWUP_ANSWER_WRITTEN,
        actor_id=actor.id,
        object_type="followup_question",
        object_id=question.id,
        period=f"{first.isoformat()}/{last.isoformat()}",
        text=text,
        replaced=replaced,
    )
    await db.commit()
