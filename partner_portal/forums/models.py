"""A forum's agreement record: what the parties agreed to, its dates and signed document, and
every saved version of it (who changed what, when).

A forum itself is a room (``rooms.models.Room``) whose process is ``samverkan``: it has parties,
meetings, actions, files and plans as any room has, and no phases.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime


class AgreementField(enum.StrEnum):
    """What a version of the record names as changed (its history says so in words)."""

    TITLE = "title"
    SIGNED_ON = "signed_on"
    VALID_FROM = "valid_from"
    VALID_UNTIL = "valid_until"
    NEXT_REVISION_ON = "next_revision_on"
    DOCUMENT_ID = "document_id"
    COMMITMENTS = "commitments"


class Agreement(SQLModel, table=True):
    """The agreement of one forum (at most one), as it stands now."""

    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", unique=True)
    title: str = Field(max_length=200)
    signed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None  # None: until further notice
    next_revision_on: date | None = None
    # The signed document: a file in the forum's file list.
    document_id: int | None = Field(default=None, foreign_key="attachment.id")
    version: int = 1
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    # The revision date the reminder was sent for: sent once per date.
    reminder_sent_for: date | None = None


class AgreementCommitment(SQLModel, table=True):
    """What one party committed to under the agreement."""

    __tablename__ = "agreement_commitment"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    commitment: str = Field(default="", sa_type=sa.Text)


class AgreementVersion(SQLModel, table=True):
    """One saved version: the record as it was saved, and which fields changed."""

    __tablename__ = "agreement_version"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id")
    version: int
    changed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    changed_by: int | None = Field(default=None, foreign_key="person.id")
    changed: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
