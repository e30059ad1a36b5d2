"""The room's files: the list with the upload form, uploading, and downloading one file."""

from __future__ import annotations

from typing import Any

from starlette.responses import FileResponse, Response

from partner_portal.attachments import forms, queries, service, storage
from partner_portal.attachments.access import file_for
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import Classification
from partner_portal.web import Ctx, upload_limits


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
            data_dir=ctx.settings.data_dir,
        )
    except Invalid as invalid:
        values = {k: v for k, v in form.fields.items() if isinstance(v, str)}
        return await index(ctx, access, errors=invalid.errors, values=values, status=400)
    return ctx.redirect(ctx.url("room_files", {"sparat": "1"}, room_id=access.room.id))


async def download(ctx: Ctx, access: RoomAccess) -> Response:
    row = await file_for(ctx.db, access, ctx.path_id("file_id"))
    assert row.storage_key is not None
    path = storage.path_for(ctx.settings.data_dir, row.storage_key)
    if not path.is_file():
        raise NotFound()
    if row.classification is not Classification.PUBLIC:
        await service.record_download(
            ctx.db,
            actor=ctx.me,
            attachment_id=row.id,
            organisation_id=row.organisation_id,
            ip=ctx.client_ip,
        )
    return FileResponse(
        path,
        media_type=row.media_type or "application/octet-stream",
        filename=row.original_name or f"fil-{row.id}",
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff"},
    )
