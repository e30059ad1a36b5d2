"""The outbox: every email the portal sends, written in the transaction that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    """One email. ``pending`` → ``sending`` (claimed until ``claimed_until``) → ``sent``, or
    back to ``pending`` after a failed attempt, or ``failed`` after the last one."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_related", "related_type", "related_id"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=320, index=True)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    # A meeting's iCalendar object and its METHOD (REQUEST, CANCEL), when the mail carries one.
    body_calendar: str | None = Field(default=None, sa_type=sa.Text)
    calendar_method: str | None = Field(default=None, max_length=16)
    # Further headers as [name, value] pairs (List-Unsubscribe …), or none.
    extra_headers: list[list[str]] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    status: OutboxStatus = Field(
        default=OutboxStatus.PENDING, sa_type=enum_column_type(OutboxStatus), index=True
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    # While ``sending``: the lease. A worker that dies mid-delivery leaves it to expire, and the
    # next round claims the message again.
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    # What the message is about (e.g. ("invitation", 12)), so a page can show its delivery.
    related_type: str | None = Field(default=None, max_length=40)
    related_id: int | None = None
