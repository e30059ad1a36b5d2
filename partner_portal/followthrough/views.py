""" "Väntar på svar": who has not answered what, since when, across rooms, remisser and
meetings, with "Påminn" per row or for a selection, and the list as a file. Coordinators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record_read
from partner_portal.evidence.models import Process
from partner_portal.followthrough import exports, forms, rules, service
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from partner_portal.web import Ctx


async def _page(
    ctx: Ctx,
    process: Process | None,
    *,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    now = clock.now()
    rows = await service.waiting(ctx.db, now=now, process=process)
    return ctx.render(
        "followthrough/index.html",
        {
            "rows": rows,
            "process": process,
            "query": forms.query_of(process),
            "may_remind": {r.key: rules.manual_allowed(r, now) for r in rows},
            "errors": errors or {},
            "sent": None,
            "refused": 0,
            "unreachable": 0,
            **(extra or {}),
        },
        status=status,
    )


def _count(raw: str) -> int | None:
    """A count carried in the address after "Påminn" (anything else: none)."""
    return int(raw) if raw.isdigit() and len(raw) < 5 else None


async def index(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    return await _page(
        ctx,
        forms.process(params.get("process")),
        extra={
            "sent": _count(params.get("pamint", "")),
            "refused": _count(params.get("nekade", "")) or 0,
            "unreachable": _count(params.get("utan_adress", "")) or 0,
        },
    )


async def remind(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    raw = form.get("process")
    process = forms.process(raw if isinstance(raw, str) else None)
    try:
        keys = forms.chosen_rows(form)
    except Invalid as invalid:
        return await _page(ctx, process, errors=invalid.errors, status=400)
    portal = ctx.portal
    done = await service.remind(
        ctx.db,
        actor=ctx.me,
        keys=keys,
        settings=portal.settings,
        env=portal.templates.env,
        now=clock.now(),
    )
    if not done.sent:
        messages = []
        if done.refused:
            messages.append(
                _(
                    "Ingen påminnelse skickades: organisationen har redan påmints för mindre än "
                    "ett dygn sedan, eller har svarat. Du kan påminna igen ett dygn efter förra "
                    "gången."
                )
            )
        if done.unreachable:
            messages.append(
                _(
                    "Ingen påminnelse kunde skickas: ingen som företräder organisationen har en "
                    "e-postadress i portalen. Kontakta organisationen på annat sätt, eller bjud "
                    "in en kontaktperson."
                )
            )
        status = 429 if done.refused else 409
        return await _page(ctx, process, errors={"rad": " ".join(messages)}, status=status)
    query = {
        **forms.query_of(process),
        "pamint": str(done.sent),
        "nekade": str(done.refused),
        "utan_adress": str(done.unreachable),
    }
    return ctx.redirect(ctx.url("waiting", query))


async def export(ctx: Ctx) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    process = forms.process(ctx.request.query_params.get("process"))
    rows = await service.waiting(ctx.db, now=clock.now(), process=process)
    await record_read(
        ctx.db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=ctx.me.id,
        object_type="waiting",
        export=f"vantar-pa-svar.{fmt}",
    )
    today = clock.today().isoformat()
    name = f"vantar-pa-svar-{today}.{fmt}"
    body, media_type = (
        (exports.as_csv(rows), CSV_MEDIA_TYPE)
        if fmt == "csv"
        else (exports.as_xlsx(rows), XLSX_MEDIA_TYPE)
    )
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
