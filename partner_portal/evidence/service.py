"""Recording evidence, always in the transaction of the act it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.evidence.models import Evidence, EvidenceKind, Process


def record_evidence(
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
    """Add one evidence row to the caller's session; it is written when the caller commits."""
    db.add(
        Evidence(
            kind=kind,
            organisation_id=organisation_id,
            person_id=person_id,
            link=link,
            process=process,
            room_id=room_id,
            phase_id=phase_id,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    )
