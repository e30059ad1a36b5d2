"""A consultation on a plan version, the organisations asked, their statements, and the
municipality's responses.

One statement per organisation and consultation is a unique constraint, so two people of the
same organisation submitting at once cannot both succeed. A statement is never edited: it is a
formal record (allmän handling), signed by name, organisation and time.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"


class Consultation(SQLModel, table=True):
    __tablename__ = "consultation"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    version_id: int = Field(foreign_key="plan_version.id", index=True)
    # The last day (Swedish calendar) for statements; later ones are accepted and marked late.
    deadline: date
    instructions: str = Field(default="", max_length=4000)
    opened_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    opened_by: int = Field(foreign_key="person.id")


class ConsultationRecipient(SQLModel, table=True):
    """An organisation asked for a statement."""

    __tablename__ = "consultation_recipient"
    # The unique constraint also serves as the index on consultation_id.
    __table_args__ = (sa.UniqueConstraint("consultation_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


class Statement(SQLModel, table=True):
    """An organisation's formal statement (yttrande): "inga synpunkter", or text with files."""

    __tablename__ = "statement"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    no_objections: bool
    body: str = Field(default="", sa_type=sa.Text)  # plain text, escaped wherever shown
    # The signature: who, for which organisation (its name as it was then), when.
    submitted_by: int = Field(foreign_key="person.id", index=True)
    signer_name: str = Field(max_length=200)
    organisation_name: str = Field(max_length=200)
    submitted_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    late: bool = False


class ConsultationResponse(SQLModel, table=True):
    """The municipality's response to one statement or one comment, in the compilation."""

    __tablename__ = "consultation_response"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "statement_id"),
        sa.UniqueConstraint("consultation_id", "comment_id"),
        sa.CheckConstraint("(statement_id IS NULL) <> (comment_id IS NULL)", name="one_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    statement_id: int | None = Field(default=None, foreign_key="statement.id", index=True)
    comment_id: int | None = Field(default=None, foreign_key="plan_comment.id", index=True)
    decision: Decision = Field(sa_type=enum_column_type(Decision))
    reason: str = Field(default="", max_length=4000)
    responded_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    responded_by: int = Field(foreign_key="person.id")
