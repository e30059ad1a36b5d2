"""Rules for forums: opening one (a room of the process ``samverkan``, with no template and no
phases), and keeping its agreement record, each save a new version. Each function owns its
transaction.

Parties are invited and answer as in any room (rooms.participation); meetings, actions, files
and plans hang off the forum's room id as they do off a room's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.attachments.models import Attachment
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Process
from partner_portal.forums.models import (
    Agreement,
    AgreementCommitment,
    AgreementField,
    AgreementVersion,
)
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.lifecycle import require_coordinator
from partner_portal.rooms.models import Room

FORUM = "/forum/{room_id:id}"
AGREEMENT = f"{FORUM}/overenskommelse"


def forum_path(room_id: int) -> str:
    return paths.fill(FORUM, room_id=room_id)


def agreement_path(room_id: int) -> str:
    return paths.fill(AGREEMENT, room_id=room_id)


@dataclass(frozen=True, slots=True)
class ForumInput:
    """A forum to open (forums/forms.py reads it from the posted form)."""

    name: str
    personal_data_free: bool


async def open_forum(db: AsyncSession, *, actor: CurrentPerson, data: ForumInput) -> int:
    """Open a standing forum. Side effects: the room row (process ``samverkan``, no template,
    no phases); ``room_opened`` audited. Commits. Returns the forum's (room's) id."""
    require_coordinator(actor)
    today = clock.today()
    # A standing forum has no end: its end date is never shown nor read (forums show "since").
    room = Room(
        name=data.name,
        process=Process.SAMVERKAN,
        template_id=None,
        starts_on=today,
        ends_on=today,
        personal_data_free=data.personal_data_free,
        created_by=actor.id,
    )
    db.add(room)
    await db.flush()
    assert room.id is not None
    record(
        db,
        AuditAction.ROOM_OPENED,
        actor_id=actor.id,
        object_type="room",
        object_id=room.id,
        name=data.name,
        forum=True,
        personal_data_free=data.personal_data_free,
    )
    await db.commit()
    return room.id


@dataclass(frozen=True, slots=True)
class AgreementInput:
    """The agreement record as the coordinator saves it (forums/forms.py reads it)."""

    title: str
    signed_on: date | None
    valid_from: date | None
    valid_until: date | None
    next_revision_on: date | None
    # Party (organisation id) → what it committed to.
    commitments: Mapping[int, str]
    # A file in the forum's file list chosen as the signed document, or None for none.
    document_id: int | None


# The record's own fields, in the order a version lists them as changed (then commitments).
FIELDS = tuple(f.value for f in AgreementField if f is not AgreementField.COMMITMENTS)


def _snapshot(agreement: Agreement, commitments: Mapping[int, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(agreement, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    values["commitments"] = {str(k): v for k, v in sorted(commitments.items()) if v}
    return values


def _check(data: AgreementInput, parties: set[int]) -> None:
    errors: dict[str, str] = {}
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        errors["valid_until"] = _("Giltig till kan inte vara före giltig från.")
    if data.signed_on and data.signed_on > clock.today():
        errors["signed_on"] = _("Datumet för underskriften kan inte ligga i framtiden.")
    if set(data.commitments) - parties:
        errors["commitments"] = _("Åtaganden kan bara skrivas för organisationer som deltar.")
    if errors:
        raise Invalid(errors)


async def save_agreement(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    data: AgreementInput,
    parties: set[int],
) -> int:
    """Create or change the forum's agreement record. Side effects: the record, its parties'
    commitments, a new version (who, when, which fields changed, the whole record as saved);
    a changed revision date makes its reminder due again. Commits. Returns the version."""
    require_coordinator(actor)
    _check(data, parties)
    if data.document_id is not None and not await _file_in_forum(
        db, access.room.id, data.document_id
    ):
        raise Invalid({"document_id": _("Välj en fil ur forumets fillista.")})
    # Two first saves at once would both find no record and both create one (the second a
    # unique-key error): the forum's own row is locked first, so saves take turns (PostgreSQL;
    # SQLite's writers already do).
    await db.execute(
        sa.select(col(Room.id)).where(col(Room.id) == access.room.id).with_for_update()
    )
    agreement = await db.scalar(
        sa.select(Agreement).where(col(Agreement.room_id) == access.room.id).with_for_update()
    )
    existing: dict[int, AgreementCommitment] = {}
    if agreement is None:
        agreement = Agreement(room_id=access.room.id, title=data.title, version=0)
        db.add(agreement)
        await db.flush()
        before: dict[str, Any] = {}
    else:
        existing = {
            c.organisation_id: c
            for c in await db.scalars(
                sa.select(AgreementCommitment).where(
                    col(AgreementCommitment.agreement_id) == agreement.id
                )
            )
        }
        before = _snapshot(agreement, {k: c.commitment for k, c in existing.items()})
    assert agreement.id is not None
    if agreement.next_revision_on != data.next_revision_on:
        agreement.reminder_sent_for = None
    for name in FIELDS:
        setattr(agreement, name, getattr(data, name))
    commitments = {k: v.strip() for k, v in data.commitments.items()}
    for organisation_id, text in commitments.items():
        row = existing.get(organisation_id)
        if row is None:
            db.add(
                AgreementCommitment(
                    agreement_id=agreement.id, organisation_id=organisation_id, commitment=text
                )
            )
        else:
            row.commitment = text
    kept = {**{k: c.commitment for k, c in existing.items()}, **commitments}
    after = _snapshot(agreement, kept)
    changed = [f.value for f in AgreementField if before.get(f.value) != after[f.value]]
    if before and not changed:
        unchanged = agreement.version
        await db.rollback()  # nothing changed: no new version
        return unchanged
    agreement.version += 1
    agreement.updated_at = clock.now()
    agreement.updated_by = actor.id
    db.add(
        AgreementVersion(
            agreement_id=agreement.id,
            version=agreement.version,
            changed_at=agreement.updated_at,
            changed_by=actor.id,
            changed=changed,
            snapshot=after,
        )
    )
    await db.commit()
    return agreement.version


async def _file_in_forum(db: AsyncSession, room_id: int, attachment_id: int) -> bool:
    """A file with content in the forum's own file list (not one of a statement's)."""
    found = await db.scalar(
        sa.select(col(Attachment.id)).where(
            col(Attachment.id) == attachment_id,
            col(Attachment.room_id) == room_id,
            col(Attachment.object_type).is_(None),
            col(Attachment.storage_key).is_not(None),
        )
    )
    return found is not None
