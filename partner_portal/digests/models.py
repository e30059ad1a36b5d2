"""A marker per person and digest period (the preferences and unsubscribe links are the mail's:
partner_portal/mail/preference_models.py)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.mail.preference_models import DigestFrequency
from partner_portal.platform.db import UTCDateTime, enum_column_type


class DigestSent(SQLModel, table=True):
    """One person's digest of one period (the Swedish date of its 07:00 round), written once
    whoever runs it: the unique key is the sent-marker. ``mailed`` is false when there was
    nothing to tell (no mail went); ``covered_until`` is where the next digest starts."""

    __tablename__ = "digest_sent"
    __table_args__ = (sa.UniqueConstraint("person_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    period: date
    frequency: DigestFrequency = Field(sa_type=enum_column_type(DigestFrequency))
    covered_until: datetime = Field(sa_type=UTCDateTime)
    mailed: bool
