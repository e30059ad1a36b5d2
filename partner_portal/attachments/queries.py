"""Reads about attachments: columns into frozen rows, one query per list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.attachments.models import Attachment
from partner_portal.auth.models import Person
from partner_portal.organisations.models import Organisation
from partner_portal.rooms.models import Classification


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: int
    room_id: int
    organisation_id: int | None
    organisation_name: str | None
    uploaded_by_name: str
    uploaded_at: datetime
    classification: Classification
    title: str
    note: str
    object_type: str | None
    object_id: int | None
    original_name: str | None
    media_type: str | None
    size: int | None
    storage_key: str | None

    @property
    def has_content(self) -> bool:
        return self.storage_key is not None


def _select() -> Any:
    return (
        sa.select(
            col(Attachment.id),
            col(Attachment.room_id),
            col(Attachment.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(Person.name).label("uploaded_by_name"),
            col(Attachment.uploaded_at),
            col(Attachment.classification),
            col(Attachment.title),
            col(Attachment.note),
            col(Attachment.object_type),
            col(Attachment.object_id),
            col(Attachment.original_name),
            col(Attachment.media_type),
            col(Attachment.size),
            col(Attachment.storage_key),
        )
        .join(Person, col(Person.id) == col(Attachment.uploaded_by))
        .outerjoin(Organisation, col(Organisation.id) == col(Attachment.organisation_id))
    )


async def attachment_in_room(
    db: AsyncSession, room_id: int, attachment_id: int
) -> AttachmentRow | None:
    row = (
        await db.execute(
            _select().where(col(Attachment.id) == attachment_id, col(Attachment.room_id) == room_id)
        )
    ).first()
    return AttachmentRow(**row._mapping) if row else None


async def room_files(db: AsyncSession, room_id: int) -> list[AttachmentRow]:
    """The room's own files (not those belonging to a statement), newest first."""
    rows: Any = await db.execute(
        _select()
        .where(col(Attachment.room_id) == room_id, col(Attachment.object_type).is_(None))
        .order_by(col(Attachment.uploaded_at).desc(), col(Attachment.id).desc())
    )
    return [AttachmentRow(**row._mapping) for row in rows]


async def files_of(
    db: AsyncSession, object_type: str, object_ids: Sequence[int]
) -> dict[int, list[AttachmentRow]]:
    """Files belonging to these objects (e.g. statements), by object id. One query."""
    if not object_ids:
        return {}
    rows: Any = await db.execute(
        _select()
        .where(
            col(Attachment.object_type) == object_type,
            col(Attachment.object_id).in_(list(object_ids)),
        )
        .order_by(col(Attachment.id))
    )
    result: dict[int, list[AttachmentRow]] = {}
    for row in rows:
        result.setdefault(row.object_id, []).append(AttachmentRow(**row._mapping))
    return result


async def organisation_names(db: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows: Any = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name)).where(
            col(Organisation.id).in_(list(ids))
        )
    )
    return {row.id: row.name for row in rows}


async def known_storage_keys(db: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these storage keys an attachment row points to."""
    found = await db.scalars(
        sa.select(col(Attachment.storage_key)).where(col(Attachment.storage_key).in_(list(keys)))
    )
    return {key for key in found if key is not None}


async def stored_files_after(
    db: AsyncSession, after_id: int, *, limit: int
) -> list[tuple[int, str]]:
    """Attachments with a stored file, by id from ``after_id`` on: (id, storage key)."""
    rows: Any = await db.execute(
        sa.select(col(Attachment.id), col(Attachment.storage_key))
        .where(col(Attachment.storage_key).is_not(None), col(Attachment.id) > after_id)
        .order_by(col(Attachment.id))
        .limit(limit)
    )
    return [(int(row_id), str(key)) for row_id, key in rows]
