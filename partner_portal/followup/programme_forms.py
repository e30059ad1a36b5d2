"""Parsing the programme-version editor: the whole version in one form, sections and questions
as numbered fields, so adding, removing and reordering work without JavaScript; and the
coordinator's written answer with its period."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData

from partner_portal import forms
from partner_portal.followup.programme_service import (
    MAX_ANSWER,
    MAX_QUESTIONS,
    MAX_SECTIONS,
    MAX_TEXT,
    ProgrammeDraft,
    QuestionDraft,
    SectionDraft,
)


def _count(form: FormData, name: str, limit: int) -> int:
    value = forms.positive_int(forms.text(form, name, max_length=3)) or 0
    return min(value, limit)


def _removed(form: FormData, name: str) -> bool:
    return forms.text(form, name, max_length=2) == "on"


def _order(form: FormData, name: str, index: int) -> tuple[int, int]:
    """Where the coordinator put the row (its number in the order field), rows left with no
    or an unreadable number staying where they were."""
    wanted = forms.positive_int(forms.text(form, name, max_length=3))
    return (wanted if wanted is not None else index + 1, index)


def read(form: FormData) -> ProgrammeDraft:
    """The form as typed, rows marked for removal left out and questions in the order their
    numbers give (no validation yet: programme_service.validate)."""
    sections = [
        SectionDraft(
            number=forms.text(form, f"s{n}-number", max_length=20),
            title_sv=forms.text(form, f"s{n}-title_sv", max_length=200),
            title_en=forms.text(form, f"s{n}-title_en", max_length=200),
        )
        for n in range(_count(form, "sections", MAX_SECTIONS))
        if not _removed(form, f"s{n}-remove")
    ]
    ordered: list[tuple[tuple[int, int], QuestionDraft]] = []
    for n in range(_count(form, "questions", MAX_QUESTIONS)):
        if _removed(form, f"q{n}-remove"):
            continue
        kinds = [k for k in form.getlist(f"q{n}-kinds") if isinstance(k, str)]
        question = QuestionDraft(
            section=forms.text(form, f"q{n}-section", max_length=20),
            point=forms.text(form, f"q{n}-point", max_length=10),
            text_sv=forms.text(form, f"q{n}-text_sv", max_length=MAX_TEXT),
            text_en=forms.text(form, f"q{n}-text_en", max_length=MAX_TEXT),
            rule=forms.text(form, f"q{n}-rule", max_length=40),
            process=forms.text(form, f"q{n}-process", max_length=40),
            kinds=kinds[:20],
        )
        ordered.append((_order(form, f"q{n}-order", n), question))
    return ProgrammeDraft(
        name=forms.text(form, "name", max_length=200),
        decision=forms.text(form, "decision", max_length=200),
        valid_from=forms.text(form, "valid_from", max_length=10),
        valid_to=forms.text(form, "valid_to", max_length=10),
        sections=sections,
        questions=[q for _key, q in sorted(ordered, key=lambda pair: pair[0])],
    )


def grow(draft: ProgrammeDraft, add: str) -> None:
    """Add an empty section (``section``) or question (``question``, in the last section)."""
    if add == "section" and len(draft.sections) < MAX_SECTIONS:
        draft.sections.append(SectionDraft())
    elif add == "question" and len(draft.questions) < MAX_QUESTIONS:
        last = draft.sections[-1].number if draft.sections else ""
        draft.questions.append(QuestionDraft(section=last))


def answer_text(form: FormData) -> str:
    return forms.text(form, "text", max_length=MAX_ANSWER)


def period(form: FormData) -> tuple[date, date] | None:
    """The period the answer is written for, as the report's filters carried it."""
    first = forms.iso_day(forms.text(form, "fran", max_length=10))
    last = forms.iso_day(forms.text(form, "till", max_length=10))
    if first is None or last is None:
        return None
    return (first, last) if first <= last else None
