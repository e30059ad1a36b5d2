"""Writing to the outbox inside the caller's transaction, and reading delivery states."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from partner_portal.mail.addresses import MAX_LENGTH as _ADDRESS_MAX
from partner_portal.mail.addresses import usable_address
from partner_portal.mail.messages import Message
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.platform import clock

_SUBJECT_MAX = 300
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxState:
    """How delivery of the newest message about something stands."""

    message_id: int
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


UNUSABLE_ADDRESS = "Ingen användbar e-postadress – meddelandet skickades inte"


def enqueue(
    db: AsyncSession, message: Message, *, related: tuple[str, int] | None = None
) -> OutboxMessage:
    """Add ``message`` to the session as a pending outbox row, due now.

    Side effects: ``db.add`` only. Nothing is written until the caller commits, together with
    the change that caused the email; a rollback leaves no email behind.

    An address that could never be sent to (empty, not an address, too long, or with a line
    break) never raises: the row is written as ``failed`` at once, with the reason, so the
    change that caused the mail stands, nothing goes to the SMTP server, and the failure shows
    wherever the mail's delivery is shown.
    """
    row = _row(message, related)
    db.add(row)
    return row


async def enqueue_many(
    db: AsyncSession, messages: Sequence[tuple[Message, tuple[str, int] | None]]
) -> None:
    """Like :func:`enqueue` for each of ``messages`` (with what each is about), written at once
    in one statement however many there are (a job mailing thousands of people). Side effects:
    one INSERT in the caller's transaction."""
    if messages:
        rows = [_row(message, related).model_dump(exclude={"id"}) for message, related in messages]
        await db.execute(sa.insert(OutboxMessage), rows)


def _row(message: Message, related: tuple[str, int] | None) -> OutboxMessage:
    to = message.to.strip() if usable_address(message.to) else None
    subject = message.subject
    if len(subject) > _SUBJECT_MAX:
        subject = subject[: _SUBJECT_MAX - 1] + "…"
    now = clock.now()
    row = OutboxMessage(
        to_address=to or _printable(message.to),
        subject=subject,
        body_text=message.text,
        body_html=message.html,
        body_calendar=message.calendar,
        calendar_method=message.calendar_method,
        extra_headers=[[name, value] for name, value in message.headers] or None,
        created_at=now,
        status=OutboxStatus.PENDING if to else OutboxStatus.FAILED,
        attempts=0,
        next_attempt_at=now,
        last_error=None if to else UNUSABLE_ADDRESS,
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
    )
    if to is None:
        log.warning("outbox: not a usable email address %r, recorded as failed", message.to[:80])
    return row


def _printable(address: str) -> str:
    """What was given instead of an address, kept for the record: one line, within the column."""
    return " ".join(address.split())[:_ADDRESS_MAX]


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


# How many failed messages in a row (since the last one delivered) make an address "failing".
FAILING_AFTER = 2


async def failing_addresses(db: AsyncSession, addresses: Collection[str]) -> set[str]:
    """Those of ``addresses`` whose mail keeps failing: at least :data:`FAILING_AFTER` messages
    to it failed since the last one delivered (or ever, if none was). One query."""
    wanted = sorted({a for a in addresses if a})
    if not wanted:
        return set()
    sent = aliased(OutboxMessage)
    last_sent = (
        sa.select(sa.func.max(col(sent.id)))
        .where(col(sent.to_address) == col(OutboxMessage.to_address))
        .where(col(sent.status) == OutboxStatus.SENT)
        .scalar_subquery()
    )
    rows = await db.scalars(
        sa.select(col(OutboxMessage.to_address))
        .where(
            col(OutboxMessage.to_address).in_(wanted),
            col(OutboxMessage.status) == OutboxStatus.FAILED,
            col(OutboxMessage.id) > sa.func.coalesce(last_sent, 0),
        )
        .group_by(col(OutboxMessage.to_address))
        .having(sa.func.count() >= FAILING_AFTER)
    )
    return set(rows)
