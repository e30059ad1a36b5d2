"""Recording evidence, always in the transaction of the act it records."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.platform import clock
from partner_portal.platform.db import write

# Built once: a row of evidence written as it is recorded, without the ORM's unit of work
# (which, flushing one row at the commit, cost a comment more than the row's INSERT).
_INSERT = sa.insert(Evidence.__table__)  # type: ignore[attr-defined]


async def record_evidence(
    db: AsyncSession,
    kind: EvidenceKind,
    *,
    organisation_id: int,
    person_id: int | None,
    link: str,
    process: Process | None = None,
    room_id: int | None = None,
    phase_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> None:
    """Write one evidence row in the caller's transaction (committed or rolled back with the
    act it records)."""
    await write(
        db,
        _INSERT,
        {
            "occurred_at": clock.now(),
            "organisation_id": organisation_id,
            "person_id": person_id,
            "kind": kind,
            "process": process,
            "room_id": room_id,
            "phase_id": phase_id,
            "object_type": object_type,
            "object_id": object_id,
            "link": link,
            "details": details,
        },
    )
