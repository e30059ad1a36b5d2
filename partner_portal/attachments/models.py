"""An attachment: a file (or, when confidential, only the record that one exists) in a room.

The content lives on disk under ``storage_key`` (generated, never the client's name); the
client's name is kept only as cleaned metadata. A row labelled "confidential — metadata only"
has no content at all: its ``note`` says how the content reached the municipality instead.
``object_type``/``object_id`` tie a file to what it belongs to (a statement), or to nothing
(the room's files).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type
from partner_portal.rooms.models import Classification


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"
    __table_args__ = (sa.Index("ix_attachment_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    # On whose behalf it was uploaded; None: the municipality (a coordinator).
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    uploaded_by: int = Field(foreign_key="person.id", index=True)
    uploaded_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    classification: Classification = Field(sa_type=enum_column_type(Classification))
    title: str = Field(max_length=200)
    note: str = Field(default="", max_length=2000)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = Field(default=None)
    # The content, absent for "confidential — metadata only".
    original_name: str | None = Field(default=None, max_length=200)
    media_type: str | None = Field(default=None, max_length=100)
    size: int | None = Field(default=None)
    sha256: str | None = Field(default=None, max_length=64)
    storage_key: str | None = Field(default=None, max_length=64, unique=True)
