"""A STYREL or water-need row made from a register entry, on the room's item page: the form
filled in from the entry (GET), and saving it linked to the entry (POST). Rooms check who may
work on the item (rooms.progress.working_progress); the entry must be the organisation's."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.deliverables import forms as dforms
from partner_portal.deliverables import service as dservice
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.rooms import views as room_views
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.lifecycle import item_in_room
from partner_portal.rooms.models import ItemKind
from partner_portal.rooms.progress import working_progress
from partner_portal.vital_services import linked, prefill, queries
from partner_portal.web import Ctx


async def styrel(ctx: Ctx, access: RoomAccess) -> Response:
    return await _from_register(ctx, access, ItemKind.STYREL_USERS)


async def water(ctx: Ctx, access: RoomAccess) -> Response:
    return await _from_register(ctx, access, ItemKind.WATER_NEEDS)


async def _from_register(ctx: Ctx, access: RoomAccess, kind: ItemKind) -> Response:
    organisation_id, item_id = ctx.path_id("organisation_id"), ctx.path_id("item_id")
    if ctx.request.method == "GET":
        # The same checks as saving, without creating the progress row a save would.
        if not access.may_work_for(organisation_id):
            raise NotFound() if not access.may_see_organisation(organisation_id) else Forbidden()
        if (await item_in_room(ctx.db, access, item_id)).kind is not kind:
            raise NotFound()
        service_id = await linked.entry_of(ctx.db, ctx.path_id("service_id"), organisation_id)
        entry = await queries.entry(ctx.db, service_id)
        assert entry is not None
        values = prefill.styrel(entry) if kind is ItemKind.STYREL_USERS else prefill.water(entry)
        return await room_views.item(ctx, access, values=values, deliverable=True)
    progress = await working_progress(ctx.db, ctx.me, access, organisation_id, item_id, kind=kind)
    service_id = await linked.entry_of(ctx.db, ctx.path_id("service_id"), organisation_id)
    form = await ctx.request.form()
    if kind is ItemKind.STYREL_USERS and dforms.adds_point(form):
        return await room_views.item(
            ctx, access, values=dforms.refill(form, add_point=True), deliverable=True
        )
    try:
        if kind is ItemKind.STYREL_USERS:
            await dservice.save_styrel_user(
                ctx.db,
                progress=progress,
                user_id=None,
                data=dforms.styrel_user(form),
                actor_id=ctx.me.id,
                vital_service_id=service_id,
            )
        else:
            await dservice.save_water_need(
                ctx.db,
                progress=progress,
                need_id=None,
                data=dforms.water_need(form),
                actor_id=ctx.me.id,
                vital_service_id=service_id,
            )
    except Invalid as invalid:
        return await room_views.item(
            ctx,
            access,
            errors=invalid.errors,
            values=dforms.refill(form),
            status=400,
            deliverable=True,
        )
    return ctx.redirect(
        ctx.url(
            "room_item", room_id=access.room.id, organisation_id=organisation_id, item_id=item_id
        )
    )
