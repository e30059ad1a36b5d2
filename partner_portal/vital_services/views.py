"""The register's pages: the list, an entry with its history, adding and changing an entry,
and the one-click "stämmer fortfarande". Thin: parse, call one service function, render."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record_read
from partner_portal.platform import clock, tables
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS
from partner_portal.vital_services import checks, forms, linked, queries, service
from partner_portal.vital_services.access import EntryAccess
from partner_portal.vital_services.models import CheckKind, Dependency
from partner_portal.web import Ctx


def _form_context() -> dict[str, object]:
    return {"sectors": list(forms.SECTORS), "dependencies": list(Dependency)}


async def index(ctx: Ctx) -> Response:
    entries = await queries.entries_for(ctx.db, ctx.me.id, everyone=ctx.me.is_coordinator)
    organisations = await queries.acting_organisations(ctx.db, ctx.me.id)
    return ctx.render(
        "vital_services/index.html",
        {
            "entries": entries,
            "organisations": organisations,
            "due_before": queries.a_year_before(clock.now()),
        },
    )


async def new(ctx: Ctx) -> Response:
    organisations = await queries.acting_organisations(ctx.db, ctx.me.id)
    values: dict[str, str] = {"classification": "internal"}
    if len(organisations) == 1:
        values["organisation_id"] = str(organisations[0][0])
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = forms.refill(form)
        try:
            organisation_id = int(values.get("organisation_id", "") or 0)
            if organisation_id <= 0 or organisation_id > 2**31:
                organisation_id = 0
            service_id = await service.create_entry(
                ctx.db,
                actor_id=ctx.me.id,
                organisation_id=organisation_id,
                data=forms.entry(form),
            )
        except ValueError:
            return _form(ctx, values, {"organisation_id": ""}, organisations, status=400)
        except Invalid as invalid:
            return _form(ctx, values, invalid.errors, organisations, status=400)
        return ctx.redirect(ctx.url("vital_service", service_id=service_id))
    return _form(ctx, values, {}, organisations)


def _form(
    ctx: Ctx,
    values: dict[str, str],
    errors: dict[str, str],
    organisations: list[tuple[int, str]],
    *,
    status: int = 200,
    access: EntryAccess | None = None,
) -> Response:
    return ctx.render(
        "vital_services/form.html",
        {
            **_form_context(),
            "values": values,
            "errors": errors,
            "organisations": organisations,
            "access": access,
        },
        status=status,
    )


async def show(ctx: Ctx, access: EntryAccess) -> Response:
    return ctx.render(
        "vital_services/show.html",
        {
            "access": access,
            "entry": access.entry,
            "history": await queries.history(ctx.db, access.entry.id),
            "linked": await linked.linked_rows(ctx.db, access.entry),
            "places": await linked.places(ctx.db, access.entry.organisation_id)
            if access.may_keep
            else [],
            "dependencies": list(Dependency),
            "due": access.entry.reviewed_at < queries.a_year_before(clock.now()),
            "changed": ctx.request.query_params.get("sparad") == "1",
        },
    )


async def edit(ctx: Ctx, access: EntryAccess) -> Response:
    if not access.may_keep:
        raise NotFound()  # a coordinator reads the register; the organisation keeps it
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        try:
            await service.update_entry(
                ctx.db, actor_id=ctx.me.id, access=access, data=forms.entry(form)
            )
        except Invalid as invalid:
            return _form(ctx, forms.refill(form), invalid.errors, [], status=400, access=access)
        return ctx.redirect(ctx.url("vital_service", service_id=access.entry.id))
    return _form(ctx, forms.values_of(access.entry), {}, [], access=access)


async def confirm(ctx: Ctx, access: EntryAccess) -> Response:
    await service.confirm_still_right(ctx.db, actor_id=ctx.me.id, access=access)
    return ctx.redirect(ctx.url("vital_service", service_id=access.entry.id))


async def checks_page(ctx: Ctx) -> Response:
    found = await checks.findings(ctx.db, clock.now())
    return ctx.render(
        "vital_services/checks.html",
        {"findings": found, "kinds": list(CheckKind), "reserve_hours": checks.RESERVE_HOURS},
    )


async def checks_export(ctx: Ctx) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    found = await checks.findings(ctx.db, clock.now())
    headers, rows = checks.table(found, dict(LABELS.register_checks))
    # Partners' material leaves the portal: every download is audited, as for rooms' exports.
    await record_read(
        ctx.db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=ctx.me.id,
        object_type="vital_service_checks",
        export=f"kontroller.{fmt}",
    )
    if fmt == "csv":
        body, media_type = tables.csv_bytes(headers, rows), tables.CSV_MEDIA_TYPE
    else:
        body = tables.xlsx_bytes(_("Kontroller"), headers, [40, 30, 40, 20, 8], rows)
        media_type = tables.XLSX_MEDIA_TYPE
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="kontroller.{fmt}"'},
    )
