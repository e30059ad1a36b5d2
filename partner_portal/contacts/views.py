"""The directory's pages: the list (with search and exports), an organisation's entry form,
and the one-click confirmation page reached from the six-monthly mail (no login: the link's
secret is the key; opening it only shows a page, the button confirms)."""

from __future__ import annotations

from dataclasses import replace

from starlette.datastructures import FormData
from starlette.responses import Response

from partner_portal.contacts import exports, forms, queries, service
from partner_portal.contacts.access import Kept, seen_by
from partner_portal.contacts.queries import Entry
from partner_portal.contacts.vcard import MEDIA_TYPE as VCARD_MEDIA_TYPE
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from partner_portal.web import Ctx

_FORMATS = {
    "csv": (exports.csv, CSV_MEDIA_TYPE),
    "xlsx": (exports.xlsx, XLSX_MEDIA_TYPE),
    "vcf": (exports.vcf, VCARD_MEDIA_TYPE),
}
BLANK_ROWS = 3


def _matches(entry: Entry, words: str, kind: str) -> Entry | None:
    """The entry as a search shows it: all of it when its name matches, only the matching
    people when one of them does (by name or crisis role), else nothing."""
    if kind and entry.kind.value != kind:
        return None
    if not words or words in entry.name.casefold():
        return entry
    people = tuple(
        p for p in entry.people if words in p.name.casefold() or words in p.crisis_role.casefold()
    )
    if not people:
        return None
    return replace(entry, people=people)


async def _chosen(ctx: Ctx) -> tuple[list[Entry], str, str]:
    words = ctx.request.query_params.get("q", "").strip()[:200]
    kind = ctx.request.query_params.get("typ", "")
    if kind not in {k.value for k in OrganisationKind}:
        kind = ""
    every = await queries.entries(ctx.db, seen_by(ctx.me))
    folded = words.casefold()
    chosen = [m for e in every if (m := _matches(e, folded, kind)) is not None]
    return chosen, words, kind


async def index(ctx: Ctx) -> Response:
    chosen, words, kind = await _chosen(ctx)
    kept = await queries.editable_organisations(ctx.db, ctx.me.id)
    return ctx.render(
        "contacts/index.html",
        {
            "entries": chosen,
            "words": words,
            "kind": kind,
            "kinds": [k.value for k in OrganisationKind],
            "kept": kept,
            "kept_ids": {i for i, _n in kept},
            "now": clock.now(),
            "query": {k: v for k, v in (("q", words), ("typ", kind)) if v},
        },
    )


async def export(ctx: Ctx) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in _FORMATS:
        raise NotFound()
    chosen, _words, _kind = await _chosen(ctx)
    write, media_type = _FORMATS[fmt]
    body = write(chosen)
    await service.record_export(
        ctx.db, actor=ctx.me, fmt=fmt, count=len(chosen), ip_address=ctx.client_ip
    )
    return _download(body, media_type, f"krisledningskontakter.{fmt}")


async def entry_vcard(ctx: Ctx, entry: Entry) -> Response:
    body = exports.vcf([entry])
    await service.record_export(ctx.db, actor=ctx.me, fmt="vcf", count=1, ip_address=ctx.client_ip)
    return _download(body, VCARD_MEDIA_TYPE, f"kontakt-{entry.organisation_id}.vcf")


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _values(entry: Entry | None) -> dict[str, str]:
    if entry is None:
        return {}
    values = {
        "telefon": entry.duty_phone,
        "brevlada": entry.mailbox,
        "alternativ": entry.alternative,
    }
    for number, person in enumerate(entry.people, start=1):
        values |= {
            f"person-{number}-namn": person.name,
            f"person-{number}-roll": person.crisis_role,
            f"person-{number}-telefon": person.phone,
            f"person-{number}-epost": person.email,
        }
    return values


def _posted(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


async def edit(ctx: Ctx, kept: Kept) -> Response:
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        try:
            data = forms.contact(form)
            await service.save(
                ctx.db,
                organisation_id=kept.organisation_id,
                actor=ctx.me,
                data=data,
                ip_address=ctx.client_ip,
            )
        except Invalid as invalid:
            await ctx.db.rollback()
            values = _posted(form)
            rows = max(forms.row_numbers(form), default=0)
            return _form(ctx, kept, None, values, rows, invalid.errors, status=400)
        return ctx.redirect(
            ctx.url("contacts_entry", organisation_id=kept.organisation_id) + "?sparat=1"
        )
    entry = await queries.entry(ctx.db, kept.organisation_id)
    rows = len(entry.people) if entry else 0
    return _form(ctx, kept, entry, _values(entry), rows + BLANK_ROWS, {})


def _form(
    ctx: Ctx,
    kept: Kept,
    entry: Entry | None,
    values: dict[str, str],
    rows: int,
    errors: dict[str, str],
    *,
    status: int = 200,
) -> Response:
    return ctx.render(
        "contacts/edit.html",
        {
            "kept": kept,
            "entry": entry,
            "values": values,
            "rows": range(1, max(rows, 1) + 1),
            "errors": errors,
            "saved": ctx.request.query_params.get("sparat") == "1",
            "confirmed": ctx.request.query_params.get("bekraftat") == "1",
            "now": clock.now(),
        },
        status=status,
    )


async def confirm(ctx: Ctx, kept: Kept) -> Response:
    try:
        await service.confirm(
            ctx.db, organisation_id=kept.organisation_id, actor=ctx.me, ip_address=ctx.client_ip
        )
    except Invalid as invalid:
        entry = await queries.entry(ctx.db, kept.organisation_id)
        return _form(ctx, kept, entry, _values(entry), BLANK_ROWS, invalid.errors, status=400)
    return ctx.redirect(
        ctx.url("contacts_entry", organisation_id=kept.organisation_id) + "?bekraftat=1"
    )


async def confirm_link(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    if ctx.request.method == "POST":
        link = await service.confirm_from_link(ctx.db, token=token, ip_address=ctx.client_ip)
        return ctx.render("contacts/confirm.html", {"link": link, "token": token, "done": True})
    link = await service.open_link(ctx.db, token)
    entry = await queries.entry(ctx.db, link.organisation_id)
    return ctx.render(
        "contacts/confirm.html", {"link": link, "entry": entry, "token": token, "done": False}
    )
