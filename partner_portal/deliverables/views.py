"""An organisation's structured deliverable on its item page (the room's item page, which
rooms.views renders): rows added, changed, removed, and the room's exports of them. Rooms check
who may act (rooms.progress.working_progress); deliverables.service keeps the rules of the rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from partner_portal.deliverables import exports, service
from partner_portal.deliverables import forms as dforms
from partner_portal.deliverables import queries as dqueries
from partner_portal.platform import htmx
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.rooms import views as room_views
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import ItemKind, ItemProgress
from partner_portal.rooms.progress import audit_export, working_progress
from partner_portal.web import Ctx

Work = Callable[[ItemProgress, Any], Awaitable[object]]


async def _act(ctx: Ctx, access: RoomAccess, kind: ItemKind, work: Work) -> Response:
    progress = await working_progress(
        ctx.db,
        ctx.me,
        access,
        ctx.path_id("organisation_id"),
        ctx.path_id("item_id"),
        kind=kind,
    )
    form = await ctx.request.form()
    if kind is ItemKind.STYREL_USERS and dforms.adds_point(form):
        # One more empty connection point, without JavaScript: nothing is saved yet.
        return await room_views.item(
            ctx, access, values=dforms.refill(form, add_point=True), deliverable=True
        )
    try:
        await work(progress, form)
    except Invalid as invalid:
        return await room_views.item(
            ctx,
            access,
            errors=invalid.errors,
            values=dforms.refill(form),
            status=400,
            deliverable=True,
        )
    if htmx.is_htmx(ctx.request):
        return await room_views.item(ctx, access, saved=True, deliverable=True)  # swapped in place
    return ctx.redirect(
        ctx.url(
            "room_item",
            room_id=access.room.id,
            organisation_id=ctx.path_id("organisation_id"),
            item_id=ctx.path_id("item_id"),
        )
    )


def _row_id(ctx: Ctx) -> int | None:
    return ctx.path_id("row_id") if "row_id" in ctx.request.path_params else None


async def save_styrel(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(progress: ItemProgress, form: Any) -> object:
        return await service.save_styrel_user(
            ctx.db,
            progress=progress,
            user_id=_row_id(ctx),
            data=dforms.styrel_user(form),
            actor_id=ctx.me.id,
        )

    return await _act(ctx, access, ItemKind.STYREL_USERS, work)


async def delete_styrel(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(progress: ItemProgress, form: Any) -> object:
        await service.delete_styrel_user(
            ctx.db, progress=progress, user_id=ctx.path_id("row_id"), actor_id=ctx.me.id
        )
        return None

    return await _act(ctx, access, ItemKind.STYREL_USERS, work)


async def save_water(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(progress: ItemProgress, form: Any) -> object:
        return await service.save_water_need(
            ctx.db,
            progress=progress,
            need_id=_row_id(ctx),
            data=dforms.water_need(form),
            actor_id=ctx.me.id,
        )

    return await _act(ctx, access, ItemKind.WATER_NEEDS, work)


async def delete_water(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(progress: ItemProgress, form: Any) -> object:
        await service.delete_water_need(
            ctx.db, progress=progress, need_id=ctx.path_id("row_id"), actor_id=ctx.me.id
        )
        return None

    return await _act(ctx, access, ItemKind.WATER_NEEDS, work)


async def save_readiness(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(progress: ItemProgress, form: Any) -> object:
        await service.save_readiness(
            ctx.db, progress=progress, data=dforms.readiness(form), actor_id=ctx.me.id
        )
        return None

    return await _act(ctx, access, ItemKind.READINESS_STATUS, work)


async def edit_styrel(ctx: Ctx, access: RoomAccess) -> Response:
    """The item page with one electricity user in the form, for changing."""
    row = await _row_for_edit(ctx, access, ItemKind.STYREL_USERS)
    return await room_views.item(ctx, access, values=dforms.styrel_values(row), deliverable=True)


async def edit_water(ctx: Ctx, access: RoomAccess) -> Response:
    row = await _row_for_edit(ctx, access, ItemKind.WATER_NEEDS)
    return await room_views.item(ctx, access, values=dforms.water_values(row), deliverable=True)


async def _row_for_edit(ctx: Ctx, access: RoomAccess, kind: ItemKind) -> Any:
    progress = await working_progress(
        ctx.db,
        ctx.me,
        access,
        ctx.path_id("organisation_id"),
        ctx.path_id("item_id"),
        kind=kind,
    )
    assert progress.id is not None
    rows: list[Any] = (
        await dqueries.styrel_users(ctx.db, progress.id)
        if kind is ItemKind.STYREL_USERS
        else await dqueries.water_needs(ctx.db, progress.id)
    )
    row = next((r for r in rows if r.id == ctx.path_id("row_id")), None)
    if row is None:
        raise NotFound()
    return row


async def export(ctx: Ctx, access: RoomAccess) -> Response:
    """The room's STYREL or water rows as CSV or XLSX. The coordinator gets what organisations
    have handed in; anyone else only their own organisation's rows (``?organisation=``)."""
    what, fmt = ctx.request.path_params["what"], ctx.request.path_params["fmt"]
    if what not in ("styrel", "vatten") or fmt not in ("csv", "xlsx"):
        raise NotFound()
    raw = ctx.request.query_params.get("organisation", "")
    organisation_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    if organisation_id is None and not access.is_coordinator:
        raise NotFound()
    if organisation_id is not None and not access.may_see_organisation(organisation_id):
        raise NotFound()
    body = await _export_body(ctx, access.room.id, organisation_id, what, fmt)
    await audit_export(
        ctx.db, actor=ctx.me, access=access, what=f"{what}.{fmt}", organisation_id=organisation_id
    )
    filename = f"{what}-rum-{access.room.id}" + (
        f"-org-{organisation_id}" if organisation_id else ""
    )
    return Response(
        body,
        media_type=exports.CSV_MEDIA_TYPE if fmt == "csv" else exports.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


async def _export_body(
    ctx: Ctx, room_id: int, organisation_id: int | None, what: str, fmt: str
) -> bytes:
    if what == "styrel":
        styrel = await dqueries.styrel_rows_for_room(
            ctx.db, room_id, organisation_id=organisation_id
        )
        return exports.styrel_csv(styrel) if fmt == "csv" else exports.styrel_xlsx(styrel)
    water = await dqueries.water_rows_for_room(ctx.db, room_id, organisation_id=organisation_id)
    return exports.water_csv(water) if fmt == "csv" else exports.water_xlsx(water)
