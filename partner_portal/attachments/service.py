"""Rules for attachments: who may upload in a room, what the classification allows, and keeping
the files and their rows together (both kept, or neither)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.attachments import storage
from partner_portal.attachments.models import Attachment
from partner_portal.attachments.storage import Store
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.platform import paths
from partner_portal.platform.errors import Invalid, StorageUnavailable, is_storage_error
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.uploads import ReceivedFile, UploadRefused
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import Classification


def files_path(room_id: int) -> str:
    return paths.fill(paths.FILES, room_id=room_id)


@dataclass(frozen=True, slots=True)
class FilesInput:
    organisation_id: int | None  # None: the municipality (a coordinator)
    classification: Classification
    title: str
    note: str


def uploader_organisations(access: RoomAccess) -> list[int]:
    """The organisations the person may upload for in the room (accepted, room open)."""
    return [o for o in access.my_organisations if access.may_work_for(o)]


def check_allowed(
    access: RoomAccess,
    organisation_id: int | None,
    classification: Classification,
    files: Sequence[ReceivedFile],
) -> None:
    """Refuse what may not be uploaded: for someone else, or content under a label that forbids
    content. Raises Invalid / UploadRefused."""
    if organisation_id is None:
        if not access.is_coordinator or access.room.is_closed:
            raise Invalid({"organisation": _("Välj vilken organisation filen lämnas för.")})
    elif not access.may_work_for(organisation_id):
        raise Invalid({"organisation": _("Välj vilken organisation filen lämnas för.")})
    check_allowed_content(classification, files)


def check_allowed_content(classification: Classification, files: Sequence[ReceivedFile]) -> None:
    """ "Confidential — metadata only" refuses content. Raises UploadRefused (422)."""
    if classification is Classification.CONFIDENTIAL_METADATA_ONLY and files:
        raise UploadRefused(
            _(
                "Filer märkta ”konfidentiell – endast metadata” tas inte emot i portalen. "
                "Lämna innehållet till kommunen på annat sätt och registrera här bara att det "
                "är lämnat."
            ),
            status=422,
        )


async def add_files(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    data: FilesInput,
    files: Sequence[ReceivedFile],
    store: Store,
    object_type: str | None = None,
    object_id: int | None = None,
    metadata_only_when_empty: bool = True,
) -> tuple[list[Attachment], list[str]]:
    """Add the rows and put the files into the store; the caller commits, and on failure calls
    ``storage.discard`` with the returned keys. A metadata-only record when there are no files
    and the label is confidential. No evidence or audit (see ``record_uploads``)."""
    kept: list[str] = []
    rows: list[Attachment] = []
    try:
        if not files and metadata_only_when_empty:
            rows.append(
                Attachment(
                    room_id=access.room.id,
                    organisation_id=data.organisation_id,
                    uploaded_by=actor.id,
                    classification=data.classification,
                    title=data.title,
                    note=data.note,
                    object_type=object_type,
                    object_id=object_id,
                )
            )
        for received in files:
            key = storage.new_key()
            try:
                await storage.keep(store, received.path, key)
            except OSError as exc:
                if is_storage_error(exc) or isinstance(exc, storage.StoreUnavailable):
                    raise StorageUnavailable(exc) from None
                raise
            kept.append(key)
            rows.append(
                Attachment(
                    room_id=access.room.id,
                    organisation_id=data.organisation_id,
                    uploaded_by=actor.id,
                    classification=data.classification,
                    title=(data.title if len(files) == 1 and data.title else received.name),
                    note=data.note,
                    object_type=object_type,
                    object_id=object_id,
                    original_name=received.name,
                    media_type=received.media_type,
                    size=received.size,
                    sha256=received.sha256,
                    storage_key=key,
                )
            )
    except BaseException:
        await storage.discard(store, kept)
        raise
    db.add_all(rows)
    return rows, kept


async def record_uploads(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    rows: Sequence[Attachment],
    link: str,
) -> None:
    """Evidence (for an organisation's uploads) and an audit row per file; rows are flushed."""
    for row in rows:
        if row.organisation_id is not None:
            await record_evidence(
                db,
                EvidenceKind.FILE_UPLOADED,
                organisation_id=row.organisation_id,
                person_id=actor.id,
                link=link,
                process=access.room.process,
                room_id=access.room.id,
                object_type="attachment",
                object_id=row.id,
                metadata_only=row.storage_key is None,
            )
        record(
            db,
            AuditAction.FILE_UPLOADED,
            actor_id=actor.id,
            object_type="attachment",
            object_id=row.id,
            organisation_id=row.organisation_id,
            classification=row.classification.value,
            size=row.size,
        )


async def upload_room_files(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    data: FilesInput,
    files: Sequence[ReceivedFile],
    store: Store,
) -> int:
    """Files (or a metadata-only record) into the room's file list. Side effects: attachment
    rows, files put into the store, ``file uploaded`` evidence for an organisation, audited.
    Commits; on any failure nothing is left, neither rows nor files. Returns the count."""
    check_allowed(access, data.organisation_id, data.classification, files)
    if data.classification is Classification.CONFIDENTIAL_METADATA_ONLY:
        errors = {}
        if not data.title:
            errors["title"] = _("Skriv vad handlingen är.")
        if not data.note:
            errors["note"] = _("Skriv hur och när innehållet lämnades till kommunen.")
        if errors:
            raise Invalid(errors)
    elif not files:
        raise Invalid({"file": _("Välj minst en fil.")})
    rows, kept = await add_files(
        db, actor=actor, access=access, data=data, files=files, store=store
    )
    try:
        await db.flush()
        link = files_path(access.room.id)
        await record_uploads(db, actor=actor, access=access, rows=rows, link=link)
        await db.commit()
    except BaseException:
        try:
            await db.rollback()
        finally:
            await storage.discard(store, kept)
        raise
    return len(rows)


async def record_download(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    attachment_id: int,
    organisation_id: int | None,
    ip: str | None,
) -> None:
    """Downloads of non-public files are audited. Commits."""
    await record_read(
        db,
        AuditAction.FILE_DOWNLOADED,
        actor_id=actor.id,
        object_type="attachment",
        object_id=attachment_id,
        organisation_id=organisation_id,
        ip_address=ip,
    )
