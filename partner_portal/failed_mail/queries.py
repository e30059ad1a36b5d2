"""Reads of failed mail: what was sent to whom and why it failed — never a message's body
(FRG call-outs and the like carry personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.mail.addresses import usable_address
from partner_portal.mail.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True, slots=True)
class FailedRow:
    id: int
    created_at: datetime
    to_address: str
    subject: str
    last_error: str | None
    attempts: int

    @property
    def may_retry(self) -> bool:
        """Whether sending again could help: not for something that is not an address."""
        return usable_address(self.to_address) is not None


_COLUMNS = (
    col(OutboxMessage.id),
    col(OutboxMessage.created_at),
    col(OutboxMessage.to_address),
    col(OutboxMessage.subject),
    col(OutboxMessage.last_error),
    col(OutboxMessage.attempts),
)


async def failed(db: AsyncSession, *, limit: int, offset: int = 0) -> list[FailedRow]:
    """Failed messages, newest first. One query."""
    rows: Any = await db.execute(
        sa.select(*_COLUMNS)
        .where(col(OutboxMessage.status) == OutboxStatus.FAILED)
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return [FailedRow(*row) for row in rows]


async def count_failed(db: AsyncSession) -> int:
    return int(
        await db.scalar(
            sa.select(sa.func.count()).where(col(OutboxMessage.status) == OutboxStatus.FAILED)
        )
        or 0
    )


async def failed_message(db: AsyncSession, message_id: int) -> FailedRow | None:
    """A failed message, or None (no such message, or not failed: sent, or waiting again)."""
    row: Any = (
        await db.execute(
            sa.select(*_COLUMNS).where(
                col(OutboxMessage.id) == message_id,
                col(OutboxMessage.status) == OutboxStatus.FAILED,
            )
        )
    ).one_or_none()
    return FailedRow(*row) if row else None
