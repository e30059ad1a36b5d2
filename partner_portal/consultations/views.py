"""Consultations in a room: the list, opening one, a statement, the compilation and its files."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal.attachments import queries as attachment_queries
from partner_portal.consultations import exports, forms, queries, service
from partner_portal.consultations.access import InRoom
from partner_portal.platform import clock
from partner_portal.platform.documents import DOCX_MEDIA_TYPE
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.tables import CSV_MEDIA_TYPE
from partner_portal.rooms.access import RoomAccess
from partner_portal.web import Ctx, upload_limits


def _values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def index(
    ctx: Ctx,
    access: RoomAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    opening = access.is_coordinator and not access.room.is_closed
    return ctx.render(
        "consultations/index.html",
        {
            "room": access.room,
            "access": access,
            "consultations": await queries.consultations_in_room(ctx.db, access.room.id),
            "versions": await queries.published_versions(ctx.db, access.room.id) if opening else [],
            "askable": await service.askable_organisations(ctx.db, access.room.id)
            if opening
            else [],
            "errors": errors or {},
            "values": values or {},
            "chosen": {int(v) for v in (values or {}).get("organisations", []) if v.isdigit()},
        },
        status=status,
    )


async def open_consultation(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    try:
        consultation_id = await service.open_consultation(
            ctx.db,
            actor=ctx.me,
            access=access,
            data=forms.open_input(form),
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        values: dict[str, Any] = _values(form)
        values["organisations"] = [v for v in form.getlist("organisations") if isinstance(v, str)]
        return await index(ctx, access, errors=invalid.errors, values=values, status=400)
    return ctx.redirect(
        ctx.url("consultation", room_id=access.room.id, consultation_id=consultation_id)
    )


async def show(
    ctx: Ctx,
    loaded: InRoom,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    access, consultation = loaded
    recipients = await queries.recipients(ctx.db, consultation.id)
    mine = set(access.my_organisations)
    if not access.is_coordinator:
        recipients = [r for r in recipients if r.organisation_id in mine]
    statements = await queries.statements(
        ctx.db,
        consultation.id,
        organisation_ids=None if access.is_coordinator else sorted(mine),
    )
    files = await attachment_queries.files_of(ctx.db, "statement", [s.id for s in statements])
    pending = [
        r
        for r in recipients
        if r.organisation_id in mine and r.statement_id is None and not access.room.is_closed
    ]
    limits = upload_limits(ctx.settings)
    return ctx.render(
        "consultations/show.html",
        {
            "room": access.room,
            "access": access,
            "consultation": consultation,
            "recipients": recipients,
            "statements": statements,
            "files": files,
            "pending": pending,
            "late_now": service.is_late(consultation.deadline),
            "errors": errors or {},
            "values": values or {},
            "submitted": ctx.request.query_params.get("lamnat") == "1",
            "max_mb": limits.max_file_bytes // (1024 * 1024),
            "max_files": limits.max_files,
            "today": clock.today(),
        },
        status=status,
    )


async def confirm_no_objections(ctx: Ctx, loaded: InRoom) -> Response:
    """What "Inga synpunkter" signs, shown before it is sent: the consultation, the
    organisation, the statement and the signer, with "Skicka och signera" and "Avbryt". A page
    of its own, so the step works without JavaScript."""
    access, consultation = loaded
    raw = ctx.request.query_params.get("organisation", "")
    organisation_id = int(raw) if raw.isdigit() and 0 < len(raw) < 10 else 0
    back = ctx.url("consultation", room_id=access.room.id, consultation_id=consultation.id)
    recipient = await service.pending_recipient(ctx.db, access, consultation, organisation_id)
    if recipient is None:
        raise NotFound()
    if recipient.statement_id is not None:
        return ctx.redirect(back)  # already submitted: the page shows the statement
    return ctx.render(
        "consultations/confirm_no_objections.html",
        {
            "room": access.room,
            "consultation": consultation,
            "recipient": recipient,
            "late_now": service.is_late(consultation.deadline),
            "back": back,
        },
    )


async def submit(ctx: Ctx, loaded: InRoom) -> Response:
    access, consultation = loaded
    form = ctx.upload_form()
    organisation = forms.unconfirmed_no_objections(form.fields)
    if organisation is not None:
        # Nothing is signed in one click: the person first sees what will be signed.
        return ctx.redirect(
            ctx.url(
                "statement_no_objections",
                {"organisation": organisation},
                room_id=access.room.id,
                consultation_id=consultation.id,
            )
        )
    try:
        await service.submit_statement(
            ctx.db,
            actor=ctx.me,
            access=access,
            consultation=consultation,
            data=forms.statement_input(form.fields),
            files=form.files,
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        return await show(
            ctx, loaded, errors=invalid.errors, values=_values(form.fields), status=400
        )
    return ctx.redirect(
        ctx.url(
            "consultation", {"lamnat": "1"}, room_id=access.room.id, consultation_id=consultation.id
        )
    )


async def compilation(
    ctx: Ctx,
    loaded: InRoom,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failed: str = "",
    status: int = 200,
) -> Response:
    """The compilation. ``failed`` names the response form that was refused (``y<statement>``
    or ``k<comment>``); it comes back with ``values``, the choice as it was posted."""
    access, consultation = loaded
    statements = await queries.statements(ctx.db, consultation.id)
    comments = await queries.comments_for_consultation(
        ctx.db,
        consultation.id,
        consultation.plan_id,
        consultation.version_id,
        consultation.version_number,
    )
    files = await attachment_queries.files_of(ctx.db, "statement", [s.id for s in statements])
    recipients = await queries.recipients(ctx.db, consultation.id)
    return ctx.render(
        "consultations/compilation.html",
        {
            "room": access.room,
            "consultation": consultation,
            "statements": statements,
            "comments": comments,
            "files": files,
            "missing": [r for r in recipients if r.statement_id is None],
            "errors": errors or {},
            "values": values or {},
            "failed": failed,
            "saved": ctx.request.query_params.get("sparat") == "1",
        },
        status=status,
    )


async def _respond(ctx: Ctx, loaded: InRoom, **subject: int) -> Response:
    access, consultation = loaded
    form = await ctx.request.form()
    decision, reason = forms.response_input(form)
    try:
        await service.respond(
            ctx.db,
            actor=ctx.me,
            access=access,
            consultation=consultation,
            decision=decision,
            reason=reason,
            **subject,
        )
    except Invalid as invalid:
        [(kind, subject_id)] = subject.items()
        return await compilation(
            ctx,
            loaded,
            errors=invalid.errors,
            values=_values(form),
            failed=f"{'y' if kind == 'statement_id' else 'k'}{subject_id}",
            status=400,
        )
    [(kind, subject_id)] = subject.items()
    anchor = f"#{'yttrande' if kind == 'statement_id' else 'kommentar'}-{subject_id}"
    return ctx.redirect(
        ctx.url(
            "consultation_compilation",
            {"sparat": "1"},
            room_id=access.room.id,
            consultation_id=consultation.id,
        )
        + anchor
    )


async def respond_statement(ctx: Ctx, loaded: InRoom) -> Response:
    return await _respond(ctx, loaded, statement_id=ctx.path_id("statement_id"))


async def respond_comment(ctx: Ctx, loaded: InRoom) -> Response:
    return await _respond(ctx, loaded, comment_id=ctx.path_id("comment_id"))


async def export(ctx: Ctx, loaded: InRoom) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "docx"):
        raise NotFound()
    _room, consultation = loaded
    statements = await queries.statements(ctx.db, consultation.id)
    comments = await queries.comments_for_consultation(
        ctx.db,
        consultation.id,
        consultation.plan_id,
        consultation.version_id,
        consultation.version_number,
    )
    await service.record_export(ctx.db, actor=ctx.me, consultation_id=consultation.id, fmt=fmt)
    name = f"remissammanstallning-{consultation.id}.{fmt}"
    if fmt == "csv":
        body, media_type = exports.compilation_csv(statements, comments), CSV_MEDIA_TYPE
    else:
        body = exports.compilation_docx(consultation, statements, comments)
        media_type = DOCX_MEDIA_TYPE
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
