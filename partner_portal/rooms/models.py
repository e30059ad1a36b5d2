"""Process templates, planning rooms, their phases and items, and each organisation's part.

A template is data (versioned); a room copies its template's phases and items when it opens, so
adjusting the room never changes the template and a new template version never changes a
running room.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class ItemKind(enum.StrEnum):
    """What an organisation delivers for an item."""

    CHECKLIST = "checklist"  # a confirmation, with an optional note
    STYREL_USERS = "styrel_users"  # electricity users and their connection points
    WATER_NEEDS = "water_needs"  # drinking-water needs per site
    READINESS_STATUS = "readiness_status"  # war organisation / security analysis ticks
    QUESTIONNAIRE = "questionnaire"  # answers to the questions the item carries as data


class ProgressStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"  # the coordinator sent it back with a comment
    APPROVED = "approved"
    NOT_APPLICABLE = "not_applicable"  # with a reason


class ParticipationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Classification(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    # The content went to the municipality another way (OSL); the portal keeps only the fact.
    CONFIDENTIAL_METADATA_ONLY = "confidential_metadata_only"


class ProcessTemplate(SQLModel, table=True):
    __tablename__ = "process_template"
    __table_args__ = (sa.UniqueConstraint("process", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    process: Process = Field(sa_type=enum_column_type(Process))
    version: int
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    is_current: bool = True
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")


class TemplatePhase(SQLModel, table=True):
    __tablename__ = "template_phase"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="process_template.id", index=True)
    position: int
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    responsible: str = Field(default="", max_length=200)
    # A deadline relative to the room's start (days), or none.
    deadline_days: int | None = None


class TemplateItem(SQLModel, table=True):
    __tablename__ = "template_item"

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="template_phase.id", index=True)
    position: int
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    kind: ItemKind = Field(sa_type=enum_column_type(ItemKind))
    # A questionnaire's questions, as data (partner_portal.questionnaires reads them); None
    # for every other kind.
    questions: list[dict[str, Any]] | None = Field(default=None, sa_type=sa.JSON)


class Room(SQLModel, table=True):
    __tablename__ = "room"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    process: Process = Field(sa_type=enum_column_type(Process), index=True)
    template_id: int | None = Field(default=None, foreign_key="process_template.id")
    starts_on: date
    ends_on: date
    # Position of the phase now under way (0 before the first starts).
    current_position: int = 0
    is_closed: bool = False
    # A forum marked "inga personuppgifter om enskilda" (VPC): its pages and forms say so.
    personal_data_free: bool = False
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")


class RoomPhase(SQLModel, table=True):
    __tablename__ = "room_phase"
    __table_args__ = (sa.UniqueConstraint("room_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    position: int
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    responsible: str = Field(default="", max_length=200)
    deadline: date | None = None


class RoomItem(SQLModel, table=True):
    __tablename__ = "room_item"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    phase_id: int = Field(foreign_key="room_phase.id", index=True)
    position: int
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    kind: ItemKind = Field(sa_type=enum_column_type(ItemKind))
    # A questionnaire's questions, as data (partner_portal.questionnaires reads them); None
    # for every other kind.
    questions: list[dict[str, Any]] | None = Field(default=None, sa_type=sa.JSON)


class Participation(SQLModel, table=True):
    """An organisation invited to a room, and its answer (both are evidence)."""

    __tablename__ = "participation"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "organisation_id"),
        sa.Index("ix_participation_organisation_id_status", "organisation_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    status: ParticipationStatus = Field(sa_type=enum_column_type(ParticipationStatus))
    invited_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    invited_by: int | None = Field(default=None, foreign_key="person.id")
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_by: int | None = Field(default=None, foreign_key="person.id")
    decline_reason: str | None = Field(default=None, max_length=1000)


class ItemProgress(SQLModel, table=True):
    """One organisation's part of one room item: its status, and the deliverable's label.

    Created when the organisation first works on the item; no row means "not started".
    """

    __tablename__ = "item_progress"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "organisation_id"),
        sa.Index("ix_item_progress_room_id_organisation_id", "room_id", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id")
    item_id: int = Field(foreign_key="room_item.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    status: ProgressStatus = Field(sa_type=enum_column_type(ProgressStatus))
    classification: Classification = Field(
        default=Classification.INTERNAL, sa_type=enum_column_type(Classification)
    )
    # Checklist confirmations, "not applicable" reasons, or how confidential content was sent.
    note: str = Field(default="", max_length=2000)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="person.id")
    review_comment: str = Field(default="", max_length=2000)
