"""Actions: the list, one action's page and its status, and the coordinator's form for an
action from a room's phase."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal.actions import forms, queries, service
from partner_portal.actions.access import ActionAccess
from partner_portal.organisations.queries import organisation_choices
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    raw = ctx.request.query_params.get("rum", "")
    room_id = int(raw) if raw.isdigit() and 0 < len(raw) < 10 else None
    actions = await queries.actions_for(
        ctx.db, ctx.me.id, everything=ctx.me.is_coordinator, room_id=room_id
    )
    return ctx.render(
        "actions/index.html",
        {"actions": actions, "today": clock.today(), "filtered": room_id is not None},
    )


async def show(
    ctx: Ctx, access: ActionAccess, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    return ctx.render(
        "actions/show.html",
        {
            "access": access,
            "action": access.action,
            "today": clock.today(),
            "errors": errors or {},
        },
        status=status,
    )


async def set_status(ctx: Ctx, access: ActionAccess) -> Response:
    form = await ctx.request.form()
    try:
        await service.set_status(ctx.db, actor=ctx.me, access=access, status=forms.status(form))
    except Invalid as invalid:
        return await show(ctx, access, errors=invalid.errors, status=400)
    return ctx.redirect(ctx.url("action", action_id=access.action.id))


async def create(ctx: Ctx) -> Response:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            phase_id, data = forms.phase_action(form)
            action_id = await service.create_phase_action(
                ctx.db, actor=ctx.me, phase_id=phase_id, data=data
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("action", action_id=action_id))
    return ctx.render(
        "actions/new.html",
        {
            "values": values,
            "errors": errors,
            "phase_choices": await queries.phase_choices(ctx.db),
            "organisation_choices": await organisation_choices(ctx.db),
        },
        status=status,
    )
