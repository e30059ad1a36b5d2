"""Reads of the programme versions and their questions, as plain rows (columns, not entities):
the report costs a constant number of queries whatever the number of questions or answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.evidence.models import Process
from partner_portal.followup.programme_models import (
    FollowupQuestion,
    ManualAnswer,
    ProgrammeVersion,
    QuestionRule,
)
from partner_portal.platform import i18n


def in_language(sv: str, en: str) -> str:
    """The reader's language; English falls back to the Swedish text where none is written."""
    return en if i18n.current_language.get() == "en" and en else sv


@dataclass(frozen=True, slots=True)
class Section:
    number: str
    title_sv: str
    title_en: str

    @property
    def title(self) -> str:
        return in_language(self.title_sv, self.title_en)


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: int
    name: str
    decision: str | None
    valid_from: date
    valid_to: date | None
    sections: tuple[Section, ...]
    created_at: datetime

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class QuestionRow:
    id: int
    programme_id: int
    position: int
    section: str
    point: str
    text_sv: str
    text_en: str
    rule: QuestionRule
    process: Process | None
    kinds: tuple[str, ...]

    @property
    def text(self) -> str:
        return in_language(self.text_sv, self.text_en)


@dataclass(frozen=True, slots=True)
class WrittenAnswer:
    question_id: int
    first_day: date
    last_day: date
    text: str
    written_at: datetime
    written_by: str | None


def _sections(raw: object) -> tuple[Section, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        Section(str(s.get("number", "")), str(s.get("sv", "")), str(s.get("en", "")))
        for s in raw
        if isinstance(s, dict)
    )


_VERSION_COLUMNS = (
    col(ProgrammeVersion.id),
    col(ProgrammeVersion.name),
    col(ProgrammeVersion.decision),
    col(ProgrammeVersion.valid_from),
    col(ProgrammeVersion.valid_to),
    col(ProgrammeVersion.sections),
    col(ProgrammeVersion.created_at),
)


def _version(row: Any) -> VersionRow:
    values = dict(row._mapping)
    values["sections"] = _sections(values["sections"])
    return VersionRow(**values)


async def versions(db: AsyncSession) -> list[VersionRow]:
    """Every version, newest validity first (a handful of rows: one query)."""
    rows = await db.execute(
        sa.select(*_VERSION_COLUMNS).order_by(
            col(ProgrammeVersion.valid_from).desc(), col(ProgrammeVersion.id).desc()
        )
    )
    return [_version(r) for r in rows]


async def version(db: AsyncSession, programme_id: int) -> VersionRow | None:
    row = (
        await db.execute(
            sa.select(*_VERSION_COLUMNS).where(col(ProgrammeVersion.id) == programme_id)
        )
    ).first()
    return None if row is None else _version(row)


_QUESTION_COLUMNS = (
    col(FollowupQuestion.id),
    col(FollowupQuestion.programme_id),
    col(FollowupQuestion.position),
    col(FollowupQuestion.section),
    col(FollowupQuestion.point),
    col(FollowupQuestion.text_sv),
    col(FollowupQuestion.text_en),
    col(FollowupQuestion.rule),
    col(FollowupQuestion.process),
    col(FollowupQuestion.kinds),
)


def _question(row: Any) -> QuestionRow:
    values = dict(row._mapping)
    values["kinds"] = tuple(str(k) for k in values["kinds"] or ())
    return QuestionRow(**values)


async def questions(db: AsyncSession, programme_id: int) -> list[QuestionRow]:
    """The version's questions in its order."""
    rows = await db.execute(
        sa.select(*_QUESTION_COLUMNS)
        .where(col(FollowupQuestion.programme_id) == programme_id)
        .order_by(col(FollowupQuestion.position))
    )
    return [_question(r) for r in rows]


async def question(db: AsyncSession, question_id: int) -> QuestionRow | None:
    row = (
        await db.execute(
            sa.select(*_QUESTION_COLUMNS).where(col(FollowupQuestion.id) == question_id)
        )
    ).first()
    return None if row is None else _question(row)


async def written_answers(
    db: AsyncSession, question_ids: Sequence[int], *, first: date, last: date
) -> list[WrittenAnswer]:
    """The coordinator's answers to these questions for periods within [first, last], oldest
    period first. One query."""
    if not question_ids:
        return []
    rows: Any = await db.execute(
        sa.select(
            col(ManualAnswer.question_id),
            col(ManualAnswer.first_day),
            col(ManualAnswer.last_day),
            col(ManualAnswer.text),
            col(ManualAnswer.written_at),
            col(Person.name).label("written_by"),
        )
        .outerjoin(Person, col(Person.id) == col(ManualAnswer.written_by))
        .where(
            col(ManualAnswer.question_id).in_(list(question_ids)),
            col(ManualAnswer.first_day) >= first,
            col(ManualAnswer.last_day) <= last,
        )
        .order_by(col(ManualAnswer.first_day), col(ManualAnswer.last_day))
    )
    return [WrittenAnswer(**r._mapping) for r in rows]


async def written_answer(db: AsyncSession, question_id: int, *, first: date, last: date) -> str:
    """The answer written for exactly this period, or ""."""
    found = await db.scalar(
        sa.select(col(ManualAnswer.text)).where(
            col(ManualAnswer.question_id) == question_id,
            col(ManualAnswer.first_day) == first,
            col(ManualAnswer.last_day) == last,
        )
    )
    return found or ""


async def has_written_answers(db: AsyncSession, programme_id: int) -> bool:
    found = await db.scalar(
        sa.select(sa.func.count())
        .select_from(ManualAnswer)
        .join(FollowupQuestion, col(FollowupQuestion.id) == col(ManualAnswer.question_id))
        .where(col(FollowupQuestion.programme_id) == programme_id)
    )
    return bool(found)
