"""Actions: owned by an organisation (optionally a person), with a due date and a status, and
a link to where they came from (a meeting decision, a room's phase, later a comment)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class ActionStatus(enum.StrEnum):
    OPEN = "open"  # öppen
    IN_PROGRESS = "in_progress"  # pågår
    DONE = "done"  # klar


class ActionSource(enum.StrEnum):
    MEETING_DECISION = "meeting_decision"
    ROOM_PHASE = "room_phase"
    COMMENT = "comment"


class Action(SQLModel, table=True):
    __tablename__ = "action"
    __table_args__ = (
        sa.Index("ix_action_organisation_id_status", "organisation_id", "status"),
        sa.Index("ix_action_status_due_on", "status", "due_on"),
        sa.Index("ix_action_source", "source_type", "source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=sa.Text)
    organisation_id: int = Field(foreign_key="organisation.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    due_on: date
    status: ActionStatus = Field(default=ActionStatus.OPEN, sa_type=enum_column_type(ActionStatus))
    # Where it came from: a generic reference and the path of its page.
    source_type: ActionSource = Field(sa_type=enum_column_type(ActionSource))
    source_id: int
    source_link: str = Field(max_length=300)
    # Who else sees it: the people of the room, or of the meeting's organisations.
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_by: int | None = Field(default=None, foreign_key="person.id")
    overdue_reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
