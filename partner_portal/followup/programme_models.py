"""The programme's follow-up questions as data (issue 18): a programme version — "Trygghets- och
säkerhetsprogram 2021–2024" — with its validity, its focus areas (sections) and the questions
the board follows up, each answered by a rule from the evidence.

A revised programme is a new version, never an edit of one a report may already have answered
from (followup.programme_service says when a version may still change). A question the portal
has no evidence for (the nämnder's exercises) has the rule ``manual``: the coordinator writes
its answer for a period (ManualAnswer), and the report shows it as written, never as measured.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class QuestionRule(enum.StrEnum):
    """How a question is answered from the evidence (followup.report)."""

    # Organisations of the question's kinds took part in its process.
    PARTICIPATION = "participation"
    # Dialogue is established in the process among organisations of the kinds (any of them).
    DIALOGUE = "dialogue"
    # Dialogue with organisations of the kinds in any process at all (FRG).
    DIALOGUE_ANY = "dialogue_any"
    # No evidence in the portal: the coordinator writes the answer for the period.
    MANUAL = "manual"


class ProgrammeVersion(SQLModel, table=True):
    """One version of the safety programme, valid from one day to another (or until further
    notice). Two versions are never valid on the same day."""

    __tablename__ = "programme_version"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The decision that adopted it (body, date, dnr), as written on the decision.
    decision: str | None = Field(default=None, max_length=200)
    valid_from: date = Field(index=True)
    valid_to: date | None = None  # None: until further notice
    # Its focus areas in order: {"number": "4.1", "sv": title, "en": title or ""}.
    sections: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")


class FollowupQuestion(SQLModel, table=True):
    """A question of a programme version, in the version's order (``position``)."""

    __tablename__ = "followup_question"
    __table_args__ = (
        sa.UniqueConstraint("programme_id", "position"),
        sa.UniqueConstraint("programme_id", "section", "point"),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme_version.id")
    position: int
    section: str = Field(max_length=10)  # "4.1", one of the version's sections
    point: str = Field(max_length=10)  # "a", as the board's report names it
    text_sv: str = Field(sa_type=sa.Text)
    text_en: str = Field(default="", sa_type=sa.Text)  # empty: the Swedish text is shown
    rule: QuestionRule = Field(sa_type=enum_column_type(QuestionRule))
    # The process the rule reads (None for dialogue in any process, and for manual answers).
    process: Process | None = Field(default=None, sa_type=enum_column_type(Process))
    # The organisation kinds it asks about (OrganisationKind values); empty: every kind.
    kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class ManualAnswer(SQLModel, table=True):
    """The coordinator's answer to a ``manual`` question for one period (first and last day,
    as the report's period was chosen). Written again, it is replaced; every text written is
    in the audit log."""

    __tablename__ = "followup_manual_answer"
    __table_args__ = (sa.UniqueConstraint("question_id", "first_day", "last_day"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="followup_question.id")
    first_day: date
    last_day: date
    text: str = Field(sa_type=sa.Text)
    written_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    written_by: int | None = Field(default=None, foreign_key="person.id")
