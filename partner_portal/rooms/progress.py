"""Each organisation's progress on the room's items: its own status changes, handing the work in,
the coordinator's review, and the completion evidence that follows; downloads of partners'
material are audited here too. Each function owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.platform import clock
from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.deliverable_rows import has_content
from partner_portal.rooms.lifecycle import item_in_room, require_coordinator
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProgressStatus,
    RoomItem,
    RoomPhase,
)
from partner_portal.rooms.paths import item_path, room_path

LOCKED = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class ProgressInput:
    """An organisation's own status change (rooms/forms.py reads it from the posted form)."""

    status: ProgressStatus
    classification: Classification
    note: str


async def progress_for(
    db: AsyncSession,
    *,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    create: bool,
) -> ItemProgress | None:
    """The organisation's progress on an item, checked: another organisation's, or an item of
    another room, is NotFound. ``create`` makes the (not started) row when there is none."""
    if not access.may_see_organisation(organisation_id):
        raise NotFound()
    await item_in_room(db, access, item_id)
    progress = await db.scalar(
        sa.select(ItemProgress).where(
            col(ItemProgress.item_id) == item_id,
            col(ItemProgress.organisation_id) == organisation_id,
        )
    )
    if progress is None and create:
        progress = ItemProgress(
            room_id=access.room.id,
            item_id=item_id,
            organisation_id=organisation_id,
            status=ProgressStatus.NOT_STARTED,
        )
        db.add(progress)
        await db.flush()
    return progress


async def working_progress(
    db: AsyncSession,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    *,
    kind: ItemKind | None = None,
) -> ItemProgress:
    """The organisation's progress on an item, for someone who may work on it now (created
    when missing, not committed). Another organisation's, or an item of another kind, is
    NotFound; the organisation's own people before it accepted, or in a closed room, Forbidden."""
    if not access.may_work_for(organisation_id):
        raise NotFound() if not access.may_see_organisation(organisation_id) else Forbidden()
    if kind is not None and (await item_in_room(db, access, item_id)).kind is not kind:
        raise NotFound()
    progress = await progress_for(
        db, access=access, organisation_id=organisation_id, item_id=item_id, create=True
    )
    assert progress is not None
    return progress


async def audit_export(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    what: str,
    organisation_id: int | None,
) -> None:
    """Downloads of partners' material are audited (they may be public records). Commits."""
    await record_read(
        db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=actor.id,
        object_type="room",
        object_id=access.room.id,
        organisation_id=organisation_id,
        export=what,
    )


async def update_progress(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    data: ProgressInput,
) -> None:
    """The organisation's own status change: working on it, not applicable (with a reason),
    the classification label and the note. Submitted or approved work is locked. Commits."""
    progress = await working_progress(db, actor, access, organisation_id, item_id)
    if progress.status in LOCKED:
        raise Invalid(
            {
                "status": _(
                    "Underlaget är inlämnat och kan inte ändras. Be samordnaren skicka "
                    "tillbaka det om något behöver rättas."
                )
            }
        )
    if data.status is ProgressStatus.NOT_APPLICABLE and not data.note:
        raise Invalid({"note": _("Skriv varför punkten inte gäller er organisation.")})
    item = await item_in_room(db, access, item_id)
    if data.classification is Classification.CONFIDENTIAL_METADATA_ONLY and await has_content(
        db, item.kind, progress.id
    ):
        raise Invalid(
            {
                "classification": _(
                    "Ta bort innehållet först: med märkningen konfidentiellt – endast metadata "
                    "sparas inget innehåll i portalen."
                )
            }
        )
    progress.status = data.status
    progress.classification = data.classification
    progress.note = data.note
    progress.updated_at = clock.now()
    progress.updated_by = actor.id
    if data.status is ProgressStatus.NOT_APPLICABLE:
        await db.flush()
        await _record_completion_if_done(db, access, organisation_id)
    await db.commit()


async def _past_deadline(db: AsyncSession, phase_id: int, now: datetime) -> bool:
    """Handed in after the phase's last day (in Swedish time): the board sees it as late."""
    deadline = await db.scalar(
        sa.select(col(RoomPhase.deadline)).where(col(RoomPhase.id) == phase_id)
    )
    return deadline is not None and now.astimezone(TIMEZONE).date() > deadline


async def _record_completion_if_done(
    db: AsyncSession, access: RoomAccess, organisation_id: int
) -> None:
    """When every item the organisation owes in the room is approved or not applicable, that is
    evidence of its own ("completed"), recorded once."""
    owed = await db.scalar(
        sa.select(sa.func.count()).where(col(RoomItem.room_id) == access.room.id)
    )
    done = await db.scalar(
        sa.select(sa.func.count()).where(
            col(ItemProgress.room_id) == access.room.id,
            col(ItemProgress.organisation_id) == organisation_id,
            col(ItemProgress.status).in_([ProgressStatus.APPROVED, ProgressStatus.NOT_APPLICABLE]),
        )
    )
    already = await db.scalar(
        sa.select(sa.func.count()).where(
            col(Evidence.room_id) == access.room.id,
            col(Evidence.organisation_id) == organisation_id,
            col(Evidence.kind) == EvidenceKind.ROOM_COMPLETED,
        )
    )
    if owed and done == owed and not already:
        await record_evidence(
            db,
            EvidenceKind.ROOM_COMPLETED,
            organisation_id=organisation_id,
            person_id=None,
            link=room_path(access.room.id),
            process=access.room.process,
            room_id=access.room.id,
        )


async def submit(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
) -> None:
    """Hand the organisation's part in to the coordinator. Side effects: status submitted,
    ``item submitted`` evidence, audited. Commits."""
    progress = await working_progress(db, actor, access, organisation_id, item_id)
    if progress.status in LOCKED or progress.status is ProgressStatus.NOT_APPLICABLE:
        raise Invalid({"status": _("Punkten är redan inlämnad eller markerad som ej aktuell.")})
    item = await item_in_room(db, access, item_id)
    if progress.classification is Classification.CONFIDENTIAL_METADATA_ONLY and not progress.note:
        raise Invalid(
            {
                "note": _(
                    "Skriv hur och när innehållet lämnades till kommunen, till exempel "
                    "”Skickat med rekommenderat brev 3 mars”."
                )
            }
        )
    if (
        progress.classification is not Classification.CONFIDENTIAL_METADATA_ONLY
        and item.kind is not ItemKind.CHECKLIST
        and not await has_content(db, item.kind, progress.id)
    ):
        if item.kind is ItemKind.QUESTIONNAIRE:
            raise Invalid({"status": _("Besvara frågorna innan ni lämnar in.")})
        raise Invalid({"status": _("Lägg till minst en rad innan ni lämnar in.")})
    now = clock.now()
    progress.status = ProgressStatus.SUBMITTED
    progress.submitted_at = now
    progress.submitted_by = actor.id
    progress.updated_at = now
    progress.updated_by = actor.id
    await record_evidence(
        db,
        EvidenceKind.ITEM_SUBMITTED,
        organisation_id=organisation_id,
        person_id=actor.id,
        link=item_path(access.room.id, organisation_id, item_id),
        process=access.room.process,
        room_id=access.room.id,
        phase_id=item.phase_id,
        object_type="item_progress",
        object_id=progress.id,
        late=await _past_deadline(db, item.phase_id, now),
    )
    record(
        db,
        AuditAction.ITEM_SUBMITTED,
        actor_id=actor.id,
        object_type="item_progress",
        object_id=progress.id,
        organisation_id=organisation_id,
    )
    await db.commit()


async def review(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    approve: bool,
    comment: str,
) -> None:
    """The coordinator approves submitted work, or returns it with a comment (required).
    Side effects: status, ``item approved``/``item returned`` evidence, audited. Commits."""
    require_coordinator(actor)
    progress = await progress_for(
        db, access=access, organisation_id=organisation_id, item_id=item_id, create=False
    )
    if progress is None or progress.status is not ProgressStatus.SUBMITTED:
        raise Invalid({"comment": _("Bara inlämnade underlag kan granskas.")})
    if not approve and not comment:
        raise Invalid({"comment": _("Skriv vad organisationen behöver ändra.")})
    item = await item_in_room(db, access, item_id)
    now = clock.now()
    progress.status = ProgressStatus.APPROVED if approve else ProgressStatus.RETURNED
    progress.reviewed_at = now
    progress.reviewed_by = actor.id
    progress.review_comment = comment
    await record_evidence(
        db,
        EvidenceKind.ITEM_APPROVED if approve else EvidenceKind.ITEM_RETURNED,
        organisation_id=organisation_id,
        person_id=None,
        link=item_path(access.room.id, organisation_id, item_id),
        process=access.room.process,
        room_id=access.room.id,
        phase_id=item.phase_id,
        object_type="item_progress",
        object_id=progress.id,
    )
    if approve:
        await db.flush()  # the count below must see this approval
        await _record_completion_if_done(db, access, organisation_id)
    record(
        db,
        AuditAction.ITEM_REVIEWED,
        actor_id=actor.id,
        object_type="item_progress",
        object_id=progress.id,
        organisation_id=organisation_id,
        approved=approve,
    )
    await db.commit()
