"""Meetings (in a planning room or portal-wide), who is invited, each person's answer and
attendance, the decisions in the minutes, and each person's calendar feed."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class Rsvp(enum.StrEnum):
    YES = "yes"  # ja
    NO = "no"  # nej
    MAYBE = "maybe"  # kanske


class Meeting(SQLModel, table=True):
    """A meeting. ``uid`` and ``sequence`` are its iCalendar identity: the UID never changes,
    and every update or cancellation sent out carries a higher sequence."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=100, unique=True)
    sequence: int = 0
    # None: a portal-wide meeting, seen by the invited organisations and coordinators.
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    title: str = Field(max_length=200)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    place: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    agenda: str = Field(default="", sa_type=sa.Text)
    organiser_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes: str = Field(default="", sa_type=sa.Text)
    minutes_filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes_filed_by: int | None = Field(default=None, foreign_key="person.id")
    # Sent-markers: each reminder goes out once, whichever worker gets to it first.
    reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes_reminder_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeetingOrganisation(SQLModel, table=True):
    """An organisation invited to a meeting."""

    __tablename__ = "meeting_organisation"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    invited_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class MeetingPerson(SQLModel, table=True):
    """One person's answer to a meeting and whether they came. The organisation is the one the
    person represents at the meeting (it follows from their membership)."""

    __tablename__ = "meeting_person"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    rsvp: Rsvp | None = Field(default=None, sa_type=enum_column_type(Rsvp))
    rsvp_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attended: bool | None = None
    attendance_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attendance_recorded_by: int | None = Field(default=None, foreign_key="person.id")


class MeetingDecision(SQLModel, table=True):
    """A decision in a meeting's minutes; actions may come from it."""

    __tablename__ = "meeting_decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")


class CalendarFeed(SQLModel, table=True):
    """A person's secret calendar subscription. Only the token's SHA-256 is stored; a revoked
    feed answers 404, and a new one can be made at any time."""

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MeetingSeries(SQLModel, table=True):
    """A recurring meeting: the rule (every ``interval_weeks`` weeks on the first occurrence's
    weekday, ``count`` times, at the same Swedish clock times) and its iCalendar identity. Each
    occurrence is a meeting of its own (answers, attendance and minutes per occurrence); the
    series is sent as one iCalendar event with RRULE, EXDATE and RECURRENCE-ID, whose UID never
    changes and whose sequence rises with every change sent out."""

    __tablename__ = "meeting_series"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=100, unique=True)
    sequence: int = 0
    room_id: int | None = Field(default=None, foreign_key="room.id", index=True)
    title: str = Field(max_length=200)
    # The first occurrence as the rule has it; the clock times hold on every later day.
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    interval_weeks: int
    count: int
    place: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    agenda: str = Field(default="", sa_type=sa.Text)
    organiser_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class SeriesOccurrence(SQLModel, table=True):
    """One occurrence of a series: the meeting it is, and when the rule put it (its
    RECURRENCE-ID). ``changed``: moved or otherwise changed on its own."""

    __tablename__ = "meeting_series_occurrence"

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True)
    recurrence_at: datetime = Field(sa_type=UTCDateTime)
    changed: bool = False
