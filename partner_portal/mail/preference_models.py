"""A person's mail preferences and the unsubscribe links sent to them (the records floor, so that
whatever sends a digest or a reminder can honour them and link to them).

Only mail of the categories in :class:`MailCategory` can be turned off; transactional mail
(invitations, receipts, call-outs, cancellations) always goes out and has no preference.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class DigestFrequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"  # the default: every Monday
    NONE = "none"


class MailCategory(enum.StrEnum):
    """Mail a person may turn off (each digest and reminder carries an unsubscribe link)."""

    DIGEST = "digest"
    REMINDER = "reminder"


class MailPreference(SQLModel, table=True):
    """A person's choices; no row means the defaults (weekly digest, reminders on)."""

    __tablename__ = "mail_preference"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    digest_frequency: DigestFrequency = Field(
        default=DigestFrequency.WEEKLY, sa_type=enum_column_type(DigestFrequency)
    )
    reminders: bool = True
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class UnsubscribeLink(SQLModel, table=True):
    """The secret of one unsubscribe link (a new one in each mail), for a person and category.
    Only its SHA-256 is stored (platform.links)."""

    __tablename__ = "unsubscribe_link"
    __table_args__ = (sa.Index("ix_unsubscribe_link_person_id_category", "person_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id")
    category: MailCategory = Field(sa_type=enum_column_type(MailCategory))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
