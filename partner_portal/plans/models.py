"""Plans in a planning room: a draft divided into sections, published versions, and comments.

A section (``plan_section``) is the stable anchor: it keeps its id and ``key`` from draft to
draft and version to version, so comments on it stay attached whatever its text becomes. The
draft's text lives on the section itself; publishing copies every section still in the draft
into ``plan_version_section`` under a new ``plan_version``, which is never changed afterwards.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime


class Plan(SQLModel, table=True):
    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    title: str = Field(max_length=200)
    # The number of the latest published version; 0 while only a draft exists.
    latest_version: int = 0
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    draft_updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class PlanSection(SQLModel, table=True):
    """A section of a plan, and its draft text. Removed from the draft, it is kept (hidden),
    so the comments on it and the versions that had it stay whole."""

    __tablename__ = "plan_section"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    # Stable across versions; used in anchors (#avsnitt-<key>).
    key: str = Field(max_length=16)
    position: int
    heading: str = Field(max_length=200)
    body: str = Field(default="", sa_type=sa.Text)  # Markdown
    in_draft: bool = True
    # The version in which the published text of this section last changed (0: never published).
    changed_in_version: int = 0


class PlanVersion(SQLModel, table=True):
    __tablename__ = "plan_version"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    number: int
    title: str = Field(max_length=200)
    note: str = Field(default="", max_length=2000)  # what changed, in the coordinator's words
    published_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    published_by: int | None = Field(default=None, foreign_key="person.id")


class PlanVersionSection(SQLModel, table=True):
    """A section as it reads in one published version."""

    __tablename__ = "plan_version_section"
    __table_args__ = (sa.UniqueConstraint("version_id", "section_id"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="plan_version.id")
    section_id: int = Field(foreign_key="plan_section.id", index=True)
    position: int
    heading: str = Field(max_length=200)
    body: str = Field(default="", sa_type=sa.Text)  # Markdown
    # The text differs from the previous version's (or the section is new in this version).
    changed: bool = True


class PlanComment(SQLModel, table=True):
    """A comment on a section, or a reply to one (``parent_id``: replies are one level deep)."""

    __tablename__ = "plan_comment"
    __table_args__ = (
        sa.Index("ix_plan_comment_plan_id_created_at", "plan_id", "created_at"),
        sa.Index("ix_plan_comment_section_id_created_at", "section_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    section_id: int = Field(foreign_key="plan_section.id")
    parent_id: int | None = Field(default=None, foreign_key="plan_comment.id", index=True)
    # The version the author was reading: "changed since you commented" compares with it.
    version_number: int
    author_id: int = Field(foreign_key="person.id", index=True)
    # The organisation the author spoke for; none for a coordinator speaking for the municipality.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    body: str = Field(sa_type=sa.Text)  # plain text, escaped when shown
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
