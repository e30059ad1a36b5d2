"""Reads of the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import Person


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    occurred_at: datetime
    action: AuditAction
    actor_name: str | None
    object_type: str | None
    object_id: str | None
    organisation_id: int | None
    details: dict[str, Any]


async def events(
    db: AsyncSession,
    *,
    organisation_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRow]:
    """Newest first, filtered by organisation and period (``until`` exclusive)."""
    query = sa.select(
        col(AuditEvent.id),
        col(AuditEvent.occurred_at),
        col(AuditEvent.action),
        col(Person.name),
        col(AuditEvent.object_type),
        col(AuditEvent.object_id),
        col(AuditEvent.organisation_id),
        col(AuditEvent.details),
    ).outerjoin(Person, col(Person.id) == col(AuditEvent.actor_person_id))
    if organisation_id is not None:
        query = query.where(col(AuditEvent.organisation_id) == organisation_id)
    if since is not None:
        query = query.where(col(AuditEvent.occurred_at) >= since)
    if until is not None:
        query = query.where(col(AuditEvent.occurred_at) < until)
    query = query.order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
    rows = await db.execute(query.limit(limit).offset(offset))
    return [AuditRow(*row) for row in rows]
