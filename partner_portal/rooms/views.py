"""Planning rooms: the list, opening one, the overview, answers, phases, and item pages."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal import confirm
from partner_portal.organisations.queries import organisation_choices, unreachable
from partner_portal.platform import clock, htmx
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms import (
    forms,
    lifecycle,
    overview,
    participation,
    progress,
    queries,
    template_queries,
)
from partner_portal.rooms.access import RoomAccess, room_for, room_page_for
from partner_portal.web import Ctx


def _form_values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def index(ctx: Ctx) -> Response:
    rooms = await queries.rooms_for(ctx.db, ctx.me.id, everything=ctx.me.is_coordinator)
    declined = ctx.request.query_params.get("svar") == "avstar"
    return ctx.render("rooms/index.html", {"rooms": rooms, "declined": declined})


async def create(ctx: Ctx) -> Response:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    similar: list[lifecycle.SimilarRoom] = []
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _form_values(form)
        values.pop(confirm.FIELD, None)
        try:
            room_id = await lifecycle.open_room(
                ctx.db,
                actor=ctx.me,
                data=forms.room(form),
                # Confirmed for exactly what the warning was about: a changed name is checked.
                allow_duplicate=form.get(confirm.FIELD) == _room_fingerprint(values),
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        except lifecycle.LooksLikeADuplicate as duplicate:
            similar = duplicate.rooms  # asked on the form itself: the values stay editable
        else:
            return ctx.redirect(ctx.url("room", room_id=room_id))
    templates = await template_queries.current_templates(ctx.db)
    return ctx.render(
        "rooms/new.html",
        {
            "templates": templates,
            "values": values,
            "errors": errors,
            "similar": similar,
            "confirm_field": confirm.FIELD,
            "confirm_value": _room_fingerprint(values),
        },
        status=status,
    )


def _room_fingerprint(values: dict[str, str]) -> str:
    return "|".join(
        values.get(k, "").strip() for k in ("template_id", "name", "starts_on", "ends_on")
    )


async def show(
    ctx: Ctx,
    loaded: tuple[RoomAccess, list[queries.ParticipantRow]],
    *,
    errors: dict[str, str] | None = None,
    error_targets: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failed: str = "",
    status: int = 200,
    invite_outcome: participation.Invited | None = None,
) -> Response:
    """The room page. ``values`` and ``failed`` (which form: ``svar-<org>``, ``lamna-<org>``,
    ``punkt-<phase>``, ``fas``) refill the one form that was refused, choices included.
    ``loaded``: the room and its participants, in one query (``rooms.access.room_page``)."""
    access, participants = loaded
    page = await overview.room_overview(ctx.db, access, participants, now=clock.now())
    choices = (
        await organisation_choices(ctx.db)
        if access.is_coordinator and not access.room.is_closed
        else []
    )
    invited = {p.organisation_id for p in page.participants}
    invitable = [(i, n) for i, n in choices if i not in invited]
    not_reached = await unreachable(ctx.db, [i for i, _n in invitable])
    return ctx.render(
        "rooms/show.html",
        {
            "access": access,
            "room": access.room,
            "page": page,
            "invitable": invitable,
            "not_reachable": not_reached,
            "invite_outcome": invite_outcome,
            "errors": errors or {},
            "error_targets": error_targets or {},
            "values": values or {},
            "failed": failed,
        },
        status=status,
    )


async def _page_again(
    ctx: Ctx, access: RoomAccess
) -> tuple[RoomAccess, list[queries.ParticipantRow]]:
    """What the room page shows after a form on it, read afresh (an invitation may have added
    organisations) in the one query the page reads it with."""
    return await room_page_for(ctx.db, ctx.me, access.room.id)


async def _then_show(
    ctx: Ctx,
    access: RoomAccess,
    invalid: Invalid,
    targets: dict[str, str] | None = None,
    *,
    form: Any = None,
    failed: str = "",
) -> Response:
    """The room page again with the errors; ``targets`` names the control each error summary
    link goes to where the page holds one form per phase or organisation; the refused
    ``form`` (named by ``failed``) comes back as it was posted."""
    return await show(
        ctx,
        await _page_again(ctx, access),
        errors=invalid.errors,
        error_targets=targets,
        values=_form_values(form) if form is not None else None,
        failed=failed,
        status=400,
    )


async def invite(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    try:
        outcome = await participation.invite_organisations(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_ids=forms.organisation_ids(form),
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        return await _then_show(ctx, access, invalid)
    if outcome.not_reached or outcome.without_mail:  # the page says who, and why
        return await show(ctx, await _page_again(ctx, access), invite_outcome=outcome)
    return ctx.redirect(ctx.url("room", room_id=access.room.id) + "#deltagare")


async def answer(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    reason = str(form.get("reason") or "").strip()[:1000]
    organisation_id = ctx.path_id("organisation_id")
    try:
        await participation.answer(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_id=organisation_id,
            accept=forms.accepts(form),
            reason=reason,
        )
    except Invalid as invalid:
        targets = {"answer": f"ja-{organisation_id}", "reason": f"skal-{organisation_id}"}
        return await _then_show(
            ctx, access, invalid, targets, form=form, failed=f"svar-{organisation_id}"
        )
    try:
        await room_for(ctx.db, ctx.me, access.room.id)
    except NotFound:
        # Declined, and no other organisation of the person's is in the room: it is no longer
        # theirs to see, so the answer is confirmed on the list of rooms instead of a 404.
        return ctx.redirect(ctx.url("rooms", {"svar": "avstar"}))
    return ctx.redirect(ctx.url("room", room_id=access.room.id))


async def withdraw(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    try:
        await participation.withdraw(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_id=ctx.path_id("organisation_id"),
            reason=str(form.get("reason") or "").strip()[:1000],
        )
    except Invalid as invalid:
        organisation_id = ctx.path_id("organisation_id")
        return await _then_show(
            ctx,
            access,
            invalid,
            {"reason": f"lamna-{organisation_id}"},
            form=form,
            failed=f"lamna-{organisation_id}",
        )
    return ctx.redirect(ctx.url("room", room_id=access.room.id) + "#deltagare")


async def set_phase(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    raw = str(form.get("position") or "")
    try:
        await lifecycle.set_current_phase(
            ctx.db,
            actor=ctx.me,
            access=access,
            position=int(raw) if raw.isdigit() and len(raw) < 4 else -1,
        )
    except Invalid as invalid:
        return await _then_show(ctx, access, invalid, form=form, failed="fas")
    return ctx.redirect(ctx.url("room", room_id=access.room.id) + "#faser")


async def edit_phase(ctx: Ctx, access: RoomAccess) -> Response:
    phase_id = ctx.path_id("phase_id")
    phase = await overview.phase_of(ctx.db, access, phase_id)
    values = {
        "title": phase.title,
        "description": phase.description,
        "responsible": phase.responsible,
        "deadline": phase.deadline.isoformat() if phase.deadline else "",
    }
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _form_values(form)
        try:
            await lifecycle.edit_phase(
                ctx.db, actor=ctx.me, access=access, phase_id=phase_id, data=forms.phase(form)
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("room", room_id=access.room.id) + f"#fas-{phase_id}")
    return ctx.render(
        "rooms/phase_form.html",
        {"room": access.room, "phase": phase, "values": values, "errors": errors},
        status=status,
    )


async def add_item(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    phase_id = ctx.path_id("phase_id")
    try:
        await lifecycle.add_item(
            ctx.db,
            actor=ctx.me,
            access=access,
            phase_id=phase_id,
            title=" ".join(str(form.get("item_title") or "").split())[:201],
            kind=forms.item_kind(form),
        )
    except Invalid as invalid:
        targets = {"item_title": f"punkt-{phase_id}", "item_kind": f"sort-{phase_id}"}
        return await _then_show(
            ctx, access, invalid, targets, form=form, failed=f"punkt-{phase_id}"
        )
    return ctx.redirect(ctx.url("room", room_id=access.room.id) + f"#fas-{phase_id}")


async def remove_item(ctx: Ctx, access: RoomAccess) -> Response:
    try:
        await lifecycle.remove_item(
            ctx.db, actor=ctx.me, access=access, item_id=ctx.path_id("item_id")
        )
    except Invalid as invalid:
        return await _then_show(ctx, access, invalid)
    return ctx.redirect(ctx.url("room", room_id=access.room.id) + "#faser")


async def close(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    room = access.room
    if access.is_coordinator and not room.is_closed and not confirm.confirmed(form):
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Stäng rummet %(name)s?") % {"name": room.name},
                explanation=[
                    _(
                        "När rummet är stängt kan organisationerna inte längre svara, lämna in "
                        "eller ändra något i det, och inga fler organisationer kan bjudas in."
                    ),
                    _("Allt som finns i rummet sparas och kan fortfarande läsas och exporteras."),
                ],
                button=_("Ja, stäng rummet"),
                action=ctx.url("room_close", room_id=room.id),
                cancel=ctx.url("room", room_id=room.id),
            ),
        )
    await lifecycle.close_room(ctx.db, actor=ctx.me, access=access)
    return ctx.redirect(ctx.url("room", room_id=access.room.id))


async def item(
    ctx: Ctx,
    access: RoomAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    deliverable: bool = False,
    saved: bool = False,
) -> Response:
    """The item page. ``errors``/``values`` belong to the form that failed: the status form,
    or (``deliverable``) the structured deliverable's form, which has its own summary."""
    page = await overview.item_page(
        ctx.db,
        access,
        organisation_id=ctx.path_id("organisation_id"),
        item_id=ctx.path_id("item_id"),
        now=clock.now(),
    )
    return ctx.render(
        "rooms/item.html",
        {
            "access": access,
            "room": access.room,
            "page": page,
            "progress_errors": {} if deliverable else (errors or {}),
            "progress_values": {} if deliverable else (values or {}),
            "errors": (errors or {}) if deliverable else {},
            "values": (values or {}) if deliverable else {},
            "saved": saved,
            "action_base": ctx.url(
                "room_item",
                room_id=access.room.id,
                organisation_id=page.organisation_id,
                item_id=page.item.id,
            ),
        },
        status=status,
    )


async def _item_action(ctx: Ctx, access: RoomAccess, work: Any) -> Response:
    form = await ctx.request.form()
    try:
        await work(form)
    except Invalid as invalid:
        return await item(ctx, access, errors=invalid.errors, values=_form_values(form), status=400)
    if htmx.is_htmx(ctx.request):
        return await item(ctx, access, saved=True)  # htmx swaps the changed parts in place
    return ctx.redirect(
        ctx.url(
            "room_item",
            room_id=access.room.id,
            organisation_id=ctx.path_id("organisation_id"),
            item_id=ctx.path_id("item_id"),
        )
    )


async def update_progress(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(form: Any) -> None:
        await progress.update_progress(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_id=ctx.path_id("organisation_id"),
            item_id=ctx.path_id("item_id"),
            data=forms.progress(form),
        )

    return await _item_action(ctx, access, work)


async def submit(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(form: Any) -> None:
        await progress.submit(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_id=ctx.path_id("organisation_id"),
            item_id=ctx.path_id("item_id"),
        )

    return await _item_action(ctx, access, work)


async def review(ctx: Ctx, access: RoomAccess) -> Response:
    async def work(form: Any) -> None:
        await progress.review(
            ctx.db,
            actor=ctx.me,
            access=access,
            organisation_id=ctx.path_id("organisation_id"),
            item_id=ctx.path_id("item_id"),
            approve=form.get("decision") == "approve",
            comment=str(form.get("comment") or "").strip()[:2000],
        )

    return await _item_action(ctx, access, work)
