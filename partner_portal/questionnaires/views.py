"""The questionnaire page of an organisation's item (thin: parse, call one function, render),
and the questionnaire's export. Handing in, returning and approving happen on the item page,
as for every deliverable (rooms.views)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.questionnaires import exports, forms, service
from partner_portal.questionnaires.access import QuestionnaireAccess
from partner_portal.questionnaires.page import page
from partner_portal.rooms.progress import audit_export, working_progress
from partner_portal.web import Ctx


async def _render(
    ctx: Ctx,
    q: QuestionnaireAccess,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response:
    return ctx.render(
        "questionnaires/form.html",
        {
            "room": q.room.room,
            "item": q.item,
            "organisation_id": q.organisation_id,
            "page": await page(ctx.db, q, posted=posted),
            "errors": errors or {},
        },
        status=status,
    )


async def show(ctx: Ctx, q: QuestionnaireAccess) -> Response:
    return await _render(ctx, q)


async def save(ctx: Ctx, q: QuestionnaireAccess) -> Response:
    """Save the answers as a draft; refused answers come back beside their fields."""
    progress = await working_progress(
        ctx.db, ctx.me, q.room, q.organisation_id, ctx.path_id("item_id")
    )
    posted = forms.posted(await ctx.request.form())
    try:
        await service.save_answers(ctx.db, progress=progress, posted=posted, actor_id=ctx.me.id)
    except Invalid as invalid:
        await ctx.db.rollback()  # the progress row working_progress made is not kept
        return await _render(ctx, q, errors=invalid.errors, posted=posted, status=400)
    return ctx.redirect(
        ctx.url(
            "room_item",
            room_id=q.room.room.id,
            organisation_id=q.organisation_id,
            item_id=ctx.path_id("item_id"),
        )
    )


async def export(ctx: Ctx, q: QuestionnaireAccess) -> Response:
    """One row per answer set: the coordinator's of every organisation that handed in, or one
    organisation's (``?organisation=``) for its own people."""
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    body = await exports.answers(ctx.db, q.item.id, q.organisation_id or None, fmt)
    await audit_export(
        ctx.db,
        actor=ctx.me,
        access=q.room,
        what=f"formular-{q.item.id}.{fmt}",
        organisation_id=q.organisation_id or None,
    )
    filename = f"formular-{q.item.id}-rum-{q.room.room.id}" + (
        f"-org-{q.organisation_id}" if q.organisation_id else ""
    )
    return Response(
        body,
        media_type=exports.CSV_MEDIA_TYPE if fmt == "csv" else exports.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )
