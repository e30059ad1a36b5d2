"""The FRG register: volunteers, skills, weekly availability, absences and call-outs.

Only what the register needs is stored: contact details, skills and equipment from the lead's
list, the agreement and basic course dates, availability. Never a personal identity number and
never health data (an absence has dates and nothing else, so it cannot carry a reason).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class VolunteerStatus(enum.StrEnum):
    PENDING = "pending"  # signed up through the open link; the lead has not approved yet
    ACTIVE = "active"


class FrgInvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"


class CalloutStatus(enum.StrEnum):
    OPEN = "open"  # sent; answers are taken until it closes (or its end passes)
    CLOSED = "closed"


class Answer(enum.StrEnum):
    NONE = "none"
    YES = "yes"
    NO = "no"


class FrgGroup(SQLModel, table=True):
    """Per FRG organisation: the open sign-up link (only its hash)."""

    __tablename__ = "frg_group"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    signup_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    signup_created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FrgSkill(SQLModel, table=True):
    """A skill or piece of equipment on the list the lead maintains."""

    __tablename__ = "frg_skill"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=100)
    name_key: str = Field(max_length=100)
    sort_key: str = Field(max_length=300)
    is_active: bool = True
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class FrgInvitation(SQLModel, table=True):
    """An invitation to join as a volunteer: random token, stored hashed, single use."""

    __tablename__ = "frg_invitation"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320)
    token_hash: str = Field(max_length=64, unique=True)
    status: FrgInvitationStatus = Field(sa_type=enum_column_type(FrgInvitationStatus))
    invited_by: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_by: int | None = Field(default=None, foreign_key="person.id", index=True)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Volunteer(SQLModel, table=True):
    """A person in an FRG organisation's register. Deleted (not hidden) when they leave."""

    __tablename__ = "frg_volunteer"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "person_id"),
        sa.Index("ix_frg_volunteer_organisation_id_status", "organisation_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    status: VolunteerStatus = Field(sa_type=enum_column_type(VolunteerStatus))
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=320)
    agreement_signed_on: date | None = None
    basic_course_on: date | None = None
    # Set when the volunteer has read the information and saved the form: until then the
    # registration is incomplete and the volunteer is never searched or called out.
    registered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_active_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # The one-tap answer for one week (its Monday): available all of it, or not at all.
    week_start: date | None = None
    week_available: bool | None = None
    availability_asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class VolunteerSkill(SQLModel, table=True):
    __tablename__ = "frg_volunteer_skill"

    volunteer_id: int = Field(foreign_key="frg_volunteer.id", primary_key=True)
    skill_id: int = Field(foreign_key="frg_skill.id", primary_key=True, index=True)


class WeeklySlot(SQLModel, table=True):
    """Available in one part of one weekday: ``slot`` = weekday (0 Monday) × 4 + part."""

    __tablename__ = "frg_availability"
    __table_args__ = (sa.CheckConstraint("slot BETWEEN 0 AND 27", name="slot_range"),)

    volunteer_id: int = Field(foreign_key="frg_volunteer.id", primary_key=True)
    slot: int = Field(primary_key=True, index=True)


class Absence(SQLModel, table=True):
    """Away from ``starts_on`` to ``ends_on``, both included. Dates only: never a reason."""

    __tablename__ = "frg_absence"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(foreign_key="frg_volunteer.id", index=True)
    starts_on: date
    ends_on: date


class Callout(SQLModel, table=True):
    __tablename__ = "frg_callout"
    __table_args__ = (
        sa.Index("ix_frg_callout_organisation_id_created_at", "organisation_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    title: str = Field(max_length=200)
    place: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    people_needed: int
    skill_id: int | None = Field(default=None, foreign_key="frg_skill.id", index=True)
    is_exercise: bool
    status: CalloutStatus = Field(sa_type=enum_column_type(CalloutStatus))
    created_by: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Recipient(SQLModel, table=True):
    """One volunteer called out. ``volunteer_id`` is emptied when the volunteer leaves: the
    answer and the hours stay in the history, anonymised."""

    __tablename__ = "frg_recipient"
    __table_args__ = (sa.UniqueConstraint("callout_id", "volunteer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    callout_id: int = Field(foreign_key="frg_callout.id", index=True)
    volunteer_id: int | None = Field(default=None, foreign_key="frg_volunteer.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    answer: Answer = Field(default=Answer.NONE, sa_type=enum_column_type(Answer))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed: bool = False
    role: str = Field(default="", max_length=100)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
