"""Appending to the audit log, always inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.platform.db import writing


async def record_read(
    db: AsyncSession,
    action: AuditAction,
    *,
    actor_id: int | None,
    object_type: str | None = None,
    object_id: object = None,
    organisation_id: int | None = None,
    ip_address: str | None = None,
    **details: Any,
) -> None:
    """Audit a read (a download, an export) by a request that otherwise only reads: the event
    is committed at once, in a short write of its own after the read in progress."""
    async with writing(db):
        record(
            db,
            action,
            actor_id=actor_id,
            object_type=object_type,
            object_id=object_id,
            organisation_id=organisation_id,
            ip_address=ip_address,
            **details,
        )


def record(
    db: AsyncSession,
    action: AuditAction,
    *,
    actor_id: int | None,
    object_type: str | None = None,
    object_id: object = None,
    organisation_id: int | None = None,
    ip_address: str | None = None,
    **details: Any,
) -> None:
    """Add one audit event to the session; it is written when the caller commits."""
    db.add(
        AuditEvent(
            action=action,
            actor_person_id=actor_id,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            organisation_id=organisation_id,
            ip_address=ip_address,
            details=details,
        )
    )
