"""Writing to the outbox inside the caller's transaction, and reading delivery states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock
from partner_portal.mail.messages import Message
from partner_portal.mail.models import OutboxMessage, OutboxStatus

_SUBJECT_MAX = 300
_ADDRESS_MAX = 320


@dataclass(frozen=True)
class OutboxState:
    """How delivery of the newest message about something stands."""

    message_id: int
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


def enqueue(
    db: AsyncSession, message: Message, *, related: tuple[str, int] | None = None
) -> OutboxMessage:
    """Add ``message`` to the session as a pending outbox row, due now.

    Side effects: ``db.add`` only. Nothing is written until the caller commits, together with
    the change that caused the email; a rollback leaves no email behind. Raises ``ValueError``
    for an address that could never be sent to (empty, too long, or with a line break).
    """
    to = message.to.strip()
    if not to or len(to) > _ADDRESS_MAX or any(c in to for c in "\r\n") or "@" not in to:
        raise ValueError(f"not a usable email address: {message.to!r}")
    subject = message.subject
    if len(subject) > _SUBJECT_MAX:
        subject = subject[: _SUBJECT_MAX - 1] + "…"
    now = clock.now()
    row = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=message.text,
        body_html=message.html,
        body_calendar=message.calendar,
        calendar_method=message.calendar_method,
        created_at=now,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
    )
    db.add(row)
    return row


async def latest_for(
    db: AsyncSession, related_type: str, ids: Sequence[int]
) -> dict[int, OutboxState]:
    """The newest message's state for each of ``ids`` that has one, in one query."""
    if not ids:
        return {}
    # Ids grow with every insert on both databases, so the highest id is the newest message
    # (created_at could tie within a transaction).
    newest = (
        sa.select(sa.func.max(col(OutboxMessage.id)))
        .where(
            col(OutboxMessage.related_type) == related_type,
            col(OutboxMessage.related_id).in_(list(ids)),
        )
        .group_by(col(OutboxMessage.related_id))
    )
    rows = await db.execute(
        sa.select(
            col(OutboxMessage.id),
            col(OutboxMessage.related_id),
            col(OutboxMessage.status),
            col(OutboxMessage.attempts),
            col(OutboxMessage.last_error),
            col(OutboxMessage.sent_at),
            col(OutboxMessage.created_at),
        ).where(col(OutboxMessage.id).in_(newest))
    )
    return {
        row.related_id: OutboxState(
            message_id=row.id,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            sent_at=row.sent_at,
            created_at=row.created_at,
        )
        for row in rows
    }
