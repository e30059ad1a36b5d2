"""Which reminder went to which organisation about what, and when: the sent-markers.

One row per organisation × thing owed × step, unique, so a reminder step goes out once however
many workers run at once (the insert that loses the race does nothing, and sends nothing). A
coordinator's manual reminder is a step too, at most one per organisation and thing a day
(``serial`` is the day). Kept apart from the feature that sends them
(partner_portal.followthrough) so that the room pages, lower down, can show "påmind 3 dec".
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class Owed(enum.StrEnum):
    """What an organisation owes."""

    DELIVERABLES = "deliverables"  # the open items of a phase with a deadline (subject: phase)
    STATEMENT = "statement"  # a remiss statement (subject: consultation)
    ROOM_ANSWER = "room_answer"  # an answer to a room invitation (subject: room)
    MEETING_ANSWER = "meeting_answer"  # an answer to a meeting invitation (subject: meeting)


class Step(enum.StrEnum):
    WEEK_BEFORE = "week_before"  # deliverables, 7 days before the phase deadline
    DAY_BEFORE = "day_before"  # deliverables, 1 day before
    OVERDUE = "overdue"  # deliverables, once after the deadline
    BEFORE = "before"  # remiss 3 days before the last day; meeting 2 days before it starts
    UNANSWERED = "unanswered"  # a room invitation unanswered for 7 days
    ESCALATED = "escalated"  # also to the deputy and the other members
    MANUAL = "manual"  # a coordinator's "Påminn"


class ReminderSent(SQLModel, table=True):
    __tablename__ = "reminder_sent"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "owed", "subject_id", "step", "serial"),
        sa.Index("ix_reminder_sent_room_id_organisation_id", "room_id", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    owed: Owed = Field(sa_type=enum_column_type(Owed))
    subject_id: int  # the phase, consultation, room or meeting
    step: Step = Field(sa_type=enum_column_type(Step))
    serial: int = 0  # 0 for the automatic steps; the day (days since 1970) for a manual one
    room_id: int | None = Field(default=None, foreign_key="room.id")
    sent_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sent_by: int | None = Field(default=None, foreign_key="person.id")  # None: the job
    recipients: int = 0  # how many people it was written to
