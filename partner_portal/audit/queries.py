"""Reads of the audit log that features use (how many times someone did something lately).
The log page's reads are in partner_portal.audit_log."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction, AuditEvent


async def count_recent(
    db: AsyncSession, *, actor_id: int, actions: Collection[AuditAction], since: datetime
) -> int:
    count = await db.scalar(
        sa.select(sa.func.count()).where(
            col(AuditEvent.actor_person_id) == actor_id,
            col(AuditEvent.action).in_(list(actions)),
            col(AuditEvent.occurred_at) > since,
        )
    )
    return int(count or 0)
