"""The room's files: the list with the upload form, uploading, and downloading one file."""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import Response

from partner_portal.attachments import forms, queries, service, storage
from partner_portal.attachments.access import file_for
from partner_portal.attachments.download import StoredFileResponse
from partner_portal.platform.errors import Invalid, NotFound, ServiceUnavailable
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import Classification
from partner_portal.web import Ctx, upload_limits

log = logging.getLogger(__name__)


async def upload_context(ctx: Ctx, access: RoomAccess) -> dict[str, Any]:
    """What an upload form needs: for whom one may upload, and the limits to show."""
    limits = upload_limits(ctx.settings)
    names = await queries.organisation_names(ctx.db, service.uploader_organisations(access))
    choices = [(str(o), names.get(o, "")) for o in service.uploader_organisations(access)]
    if access.is_coordinator and not access.room.is_closed:
        choices.append((forms.MUNICIPALITY, "Botkyrka kommun"))
    return {
        "upload_choices": choices,
        "max_mb": limits.max_file_bytes // (1024 * 1024),
        "max_files": limits.max_files,
        "accept": ".pdf,.docx,.xlsx,.odt,.ods,.csv,.txt,.png,.jpg,.jpeg",
    }


async def index(
    ctx: Ctx,
    access: RoomAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    files = await queries.room_files(ctx.db, access.room.id)
    return ctx.render(
        "attachments/index.html",
        {
            "room": access.room,
            "access": access,
            "files": files,
            "errors": errors or {},
            "values": values or {"classification": Classification.INTERNAL.value},
            "saved": ctx.request.query_params.get("sparat") == "1",
            **await upload_context(ctx, access),
        },
        status=status,
    )


async def upload(ctx: Ctx, access: RoomAccess) -> Response:
    form = ctx.upload_form()
    mine = service.uploader_organisations(access)
    try:
        data = forms.files_input(form.fields, default_organisation=mine[0] if mine else None)
        await service.upload_room_files(
            ctx.db,
            actor=ctx.me,
            access=access,
            data=data,
            files=form.files,
            store=storage.store_for(ctx.settings),
        )
    except Invalid as invalid:
        values = {k: v for k, v in form.fields.items() if isinstance(v, str)}
        return await index(ctx, access, errors=invalid.errors, values=values, status=400)
    return ctx.redirect(ctx.url("room_files", {"sparat": "1"}, room_id=access.room.id))


async def download(ctx: Ctx, access: RoomAccess) -> Response:
    """The file, streamed from the store; 404 when the store does not have it, 503 when the
    store cannot be reached. Downloads of non-public files are audited."""
    row = await file_for(ctx.db, access, ctx.path_id("file_id"))
    assert row.storage_key is not None
    try:
        stored = await storage.open_file(storage.store_for(ctx.settings), row.storage_key)
    except FileNotFoundError:
        raise NotFound() from None
    except storage.StoreUnavailable as exc:
        log.error("file store: could not read attachment %s: %s", row.id, exc)
        raise ServiceUnavailable(
            _("Filen kan inte hämtas just nu. Försök igen om en stund.")
        ) from None
    try:
        if row.classification is not Classification.PUBLIC:
            await service.record_download(
                ctx.db,
                actor=ctx.me,
                attachment_id=row.id,
                organisation_id=row.organisation_id,
                ip=ctx.client_ip,
            )
    except BaseException:
        stored.close()
        raise
    return StoredFileResponse(
        stored,
        media_type=row.media_type or "application/octet-stream",
        filename=row.original_name or f"fil-{row.id}",
    )
