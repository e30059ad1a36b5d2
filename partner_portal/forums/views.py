"""Forums: the list, opening one, the forum page, and its agreement record (with history)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal.attachments import queries as attachment_queries
from partner_portal.forums import forms, queries, service
from partner_portal.platform.errors import Invalid
from partner_portal.rooms import queries as room_queries
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import ParticipationStatus
from partner_portal.web import Ctx


def _values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def index(ctx: Ctx) -> Response:
    forums = await queries.forums_for(ctx.db, ctx.me.id, everything=ctx.me.is_coordinator)
    return ctx.render("forums/index.html", {"forums": forums})


async def create(ctx: Ctx) -> Response:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _values(form)
        try:
            room_id = await service.open_forum(ctx.db, actor=ctx.me, data=forms.forum(form))
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("forum", room_id=room_id))
    return ctx.render("forums/new.html", {"values": values, "errors": errors}, status=status)


async def show(ctx: Ctx, loaded: tuple[RoomAccess, list[room_queries.ParticipantRow]]) -> Response:
    """The forum page: its parties, the agreement in short, and the way to its meetings,
    actions, files and plans. Three queries after the loader's."""
    access, participants = loaded
    agreement, commitments = await queries.agreement_of(ctx.db, access.room.id)
    return ctx.render(
        "forums/show.html",
        {
            "access": access,
            "room": access.room,
            "participants": participants,
            "agreement": agreement,
            "commitments": commitments,
        },
    )


async def agreement(ctx: Ctx, access: RoomAccess) -> Response:
    """The agreement record and every saved version of it."""
    record, commitments = await queries.agreement_of(ctx.db, access.room.id)
    versions = await queries.versions(ctx.db, access.room.id)
    names = await attachment_queries.organisation_names(
        ctx.db, sorted({int(k) for v in versions for k in v.snapshot.get("commitments", {})})
    )
    return ctx.render(
        "forums/agreement.html",
        {
            "access": access,
            "room": access.room,
            "agreement": record,
            "commitments": commitments,
            "versions": versions,
            "names": names,
            "saved": ctx.request.query_params.get("sparat") == "1",
        },
    )


async def edit_agreement(
    ctx: Ctx, loaded: tuple[RoomAccess, list[room_queries.ParticipantRow]]
) -> Response:
    """The coordinator's form for the record: dates, each party's commitment, and the signed
    document chosen from the forum's files (uploaded there with the usual checks)."""
    access, participants = loaded
    parties = [p for p in participants if p.status is ParticipationStatus.ACCEPTED]
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _values(form)
        try:
            data = forms.agreement(form, [p.organisation_id for p in parties])
            await service.save_agreement(
                ctx.db,
                actor=ctx.me,
                access=access,
                data=data,
                parties={p.organisation_id for p in parties},
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("forum_agreement", {"sparat": "1"}, room_id=access.room.id))
    else:
        values = await _current_values(ctx, access.room.id)
    files = [
        f
        for f in await attachment_queries.room_files(ctx.db, access.room.id)
        if f.original_name is not None
    ]
    return ctx.render(
        "forums/agreement_form.html",
        {
            "access": access,
            "room": access.room,
            "parties": parties,
            "files": files,
            "values": values,
            "errors": errors,
        },
        status=status,
    )


async def _current_values(ctx: Ctx, room_id: int) -> dict[str, str]:
    record, commitments = await queries.agreement_of(ctx.db, room_id)
    if record is None:
        return {}
    values = {
        "title": record.title,
        "document_id": str(record.document_id or ""),
        **{f"commitment-{c.organisation_id}": c.commitment for c in commitments},
    }
    for name in ("signed_on", "valid_from", "valid_until", "next_revision_on"):
        value = getattr(record, name)
        values[name] = value.isoformat() if value else ""
    return values
