"""Date polls: the times a coordinator proposes for a meeting, the organisations asked, each
person's answer per time, and the answer links sent by mail (only the token's digest)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class PollAnswer(enum.StrEnum):
    YES = "yes"  # ja
    IF_NEEDED = "if_needed"  # om det behövs
    NO = "no"  # nej


class DatePoll(SQLModel, table=True):
    """A poll for a meeting's time. It takes answers until ``closes_at``; ``meeting_id`` is
    the meeting it was turned into."""

    __tablename__ = "date_poll"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    title: str = Field(max_length=200)
    place: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    agenda: str = Field(default="", sa_type=sa.Text)
    created_by: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")


class DatePollOrganisation(SQLModel, table=True):
    __tablename__ = "date_poll_organisation"
    __table_args__ = (sa.UniqueConstraint("poll_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="date_poll.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)


class DatePollOption(SQLModel, table=True):
    """A proposed time."""

    __tablename__ = "date_poll_option"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="date_poll.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)


class DatePollAnswer(SQLModel, table=True):
    """One person's answer to one proposed time, for the organisation they answer for."""

    __tablename__ = "date_poll_answer"
    __table_args__ = (sa.UniqueConstraint("option_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="date_poll_option.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    answer: PollAnswer = Field(sa_type=enum_column_type(PollAnswer))
    answered_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class DatePollLink(SQLModel, table=True):
    """A person's answer link from the poll's mail: answering without logging in."""

    __tablename__ = "date_poll_link"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="date_poll.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
