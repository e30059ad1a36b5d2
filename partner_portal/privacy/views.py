"""A person's own data (every logged-in person), removal requests (the coordinator confirms),
and the privacy information (public)."""

from __future__ import annotations

import json

from starlette.responses import Response

from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.privacy import queries, service
from partner_portal.privacy.access import RemovalSubject
from partner_portal.web import Ctx

PAGE_LOG_ROWS = 200


async def privacy(ctx: Ctx) -> Response:
    return ctx.render("privacy/privacy.html", {"inactive_months": ctx.settings.frg_inactive_months})


async def mine(ctx: Ctx) -> Response:
    return await _mine_page(ctx)


async def _mine_page(ctx: Ctx, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    me = ctx.me
    held = await queries.held_about(ctx.db, me.id)
    log_rows = len(held["logg"])
    held["logg"] = held["logg"][-PAGE_LOG_ROWS:]  # the newest; the download has them all
    return ctx.render(
        "privacy/mine.html",
        {
            "held": held,
            "log_rows": log_rows,
            "requested_at": await queries.pending_request(ctx.db, me.id),
            "errors": errors or {},
            "done": ctx.request.query_params.get("klart"),
        },
        status=status,
    )


async def export(ctx: Ctx) -> Response:
    data = await service.export(ctx.db, person=ctx.me)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="mina-uppgifter.json"'},
    )


async def request_removal(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    if form.get("confirm") != "ja":
        return await _mine_page(
            ctx,
            {"confirm": _("Kryssa i att du vill att dina uppgifter raderas.")},
            status=400,
        )
    await service.request_removal(ctx.db, person=ctx.me)
    return ctx.redirect(ctx.url("my_data", query={"klart": "begart"}) + "#radering")


async def withdraw_removal(ctx: Ctx) -> Response:
    await service.withdraw_removal(ctx.db, person=ctx.me)
    return ctx.redirect(ctx.url("my_data", query={"klart": "aterkallat"}) + "#radering")


async def removals(ctx: Ctx) -> Response:
    return await _removals_page(ctx)


async def _removals_page(
    ctx: Ctx, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    requests = await queries.pending_requests(ctx.db)
    return ctx.render(
        "privacy/removals.html",
        {
            "requests": requests,
            "errors": errors or {},
            "error_labels": {
                "person": _("Radering"),
                **{f"confirm-{r.person_id}": r.name for r in requests},
            },
            "done": ctx.request.query_params.get("raderad"),
        },
        status=status,
    )


async def confirm_removal(ctx: Ctx, subject: RemovalSubject) -> Response:
    form = await ctx.request.form()
    person_id = subject.person_id
    if form.get("confirm") != "ja":
        return await _removals_page(
            ctx,
            {f"confirm-{person_id}": _("Kryssa i att du har kontrollerat begäran.")},
            status=400,
        )
    try:
        await service.confirm_removal(ctx.db, actor=ctx.me, person_id=person_id)
    except Invalid as invalid:
        return await _removals_page(ctx, invalid.errors, status=400)
    return ctx.redirect(ctx.url("removals", query={"raderad": 1}))
