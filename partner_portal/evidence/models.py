"""One table for every kind of participation evidence, built for aggregation at scale.

A row says: this organisation (through this person, if one) did this kind of thing, at this time,
in this planning process (and room and phase, where there is one); ``link`` is the path of the
page where it happened. The follow-up matrix groups by (process, organisation, kind) within a
period, so that is what the composite index serves.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class Process(enum.StrEnum):
    NODVATTEN = "nodvatten"
    EL_STYREL = "el_styrel"
    HOJD_BEREDSKAP = "hojd_beredskap"
    RIKTLINJER = "riktlinjer"
    FRG = "frg"
    # Standing forums (Samverkansöverenskommelsen, VPC, FRG-ledning): rooms without a template.
    SAMVERKAN = "samverkan"
    RSA = "rsa"  # risk- och sårbarhetsanalys


class EvidenceKind(enum.StrEnum):
    # Organisations (the portal itself)
    ORGANISATION_INVITED = "organisation_invited"
    INVITATION_ACCEPTED = "invitation_accepted"
    # Planning rooms
    ROOM_INVITED = "room_invited"
    ROOM_ACCEPTED = "room_accepted"
    ROOM_DECLINED = "room_declined"
    ITEM_SUBMITTED = "item_submitted"
    ITEM_APPROVED = "item_approved"
    ITEM_RETURNED = "item_returned"
    ROOM_WITHDRAWN = "room_withdrawn"  # left a room it had joined, with a reason
    ROOM_COMPLETED = "room_completed"  # every item it owed in the room approved (or n/a)
    # Meetings and actions
    MEETING_ATTENDED = "meeting_attended"
    RSVP_GIVEN = "rsvp_given"
    ACTION_COMPLETED = "action_completed"
    # FRG: a call-out sent to volunteers (details: exercise true/false)
    CALLOUT_HELD = "callout_held"
    # Plans
    COMMENT_MADE = "comment_made"  # a comment (or reply) on a section of a published plan
    # Consultations (remisser) and files
    STATEMENT_SUBMITTED = "statement_submitted"  # details: late
    FILE_UPLOADED = "file_uploaded"
    # The offline crisis pack (partner_portal.crisispack): details: format
    PACK_DOWNLOADED = "pack_downloaded"
    # Later kinds join here: comment made, statement submitted, meeting attended, action
    # completed, call-out held …


class Evidence(SQLModel, table=True):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.Index(
            "ix_evidence_process_organisation_id_kind_occurred_at",
            "process",
            "organisation_id",
            "kind",
            "occurred_at",
        ),
        sa.Index("ix_evidence_organisation_id_occurred_at", "organisation_id", "occurred_at"),
        # A room's activity feed, newest first: the latest 30 read from the index, however
        # much the room has done (rooms.queries.activity).
        sa.Index("ix_evidence_room_id_occurred_at", "room_id", "occurred_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    organisation_id: int = Field(foreign_key="organisation.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    kind: EvidenceKind = Field(sa_type=enum_column_type(EvidenceKind))
    # None: evidence about the portal itself rather than one planning process.
    process: Process | None = Field(default=None, sa_type=enum_column_type(Process))
    room_id: int | None = Field(default=None)
    phase_id: int | None = Field(default=None)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = Field(default=None)
    link: str = Field(max_length=300)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
