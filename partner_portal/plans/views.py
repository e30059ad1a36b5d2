"""Plans in a room: the list, the coordinator's draft, published versions and their
comparison, comments (with htmx fragments), live events and the comments export."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response, StreamingResponse

from partner_portal.plans import exports, forms, overview, queries, service
from partner_portal.plans.access import PlanAccess, plan_section
from partner_portal.plans.markdown import render as markdown
from partner_portal.platform import clock, htmx, tables
from partner_portal.platform.errors import Invalid, NotFound, ServiceUnavailable
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.live import LiveHub, LiveUnavailable
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.progress import audit_export
from partner_portal.web import Ctx

# A live stream ends after this long and the browser opens a new one, so a stream never
# outlives the login session that opened it by much.
STREAM_SECONDS = 300.0
HEARTBEAT_SECONDS = 15.0


def live_hub(ctx: Ctx) -> LiveHub:
    hub: LiveHub = ctx.request.app.state.live
    return hub


def _values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _plan_url(ctx: Ctx, access: PlanAccess, anchor: str = "") -> str:
    url = ctx.url("plan", room_id=access.room.room.id, plan_id=access.plan.id)
    return url + (f"#{anchor}" if anchor else "")


# --- the room's plans ------------------------------------------------------------------------


async def index(
    ctx: Ctx,
    access: RoomAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    plans = await queries.plans_in_room(ctx.db, access.room.id, drafts=access.is_coordinator)
    return ctx.render(
        "plans/index.html",
        {
            "access": access,
            "room": access.room,
            "plans": plans,
            "errors": errors or {},
            "values": values or {},
        },
        status=400 if errors else 200,
    )


async def create(ctx: Ctx, access: RoomAccess) -> Response:
    form = await ctx.request.form()
    try:
        plan_id = await service.create_plan(
            ctx.db, actor=ctx.me, access=access, title=forms.plan_title(form)
        )
    except Invalid as invalid:
        return await index(ctx, access, errors=invalid.errors, values=_values(form))
    return ctx.redirect(ctx.url("plan_draft", room_id=access.room.id, plan_id=plan_id))


# --- the coordinator's draft -----------------------------------------------------------------


async def draft(
    ctx: Ctx,
    access: PlanAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failed: str = "",
) -> Response:
    """``failed`` names the form the errors belong to: "new", "publish" or a section id."""
    if not access.is_coordinator:
        raise NotFound()
    sections = await queries.draft_sections(ctx.db, access.plan.id)
    return ctx.render(
        "plans/draft.html",
        {
            "access": access,
            "room": access.room.room,
            "plan": access.plan,
            "sections": sections,
            "markdown": markdown,
            "unnumbered": forms.without_numbering,
            "errors": errors or {},
            "values": values or {},
            "failed": failed,
        },
        status=400 if errors else 200,
    )


async def add_section(ctx: Ctx, access: PlanAccess) -> Response:
    form = await ctx.request.form()
    try:
        section_id = await service.add_section(
            ctx.db, actor=ctx.me, access=access, data=forms.section(form)
        )
    except Invalid as invalid:
        return await draft(ctx, access, errors=invalid.errors, values=_values(form), failed="new")
    url = ctx.url("plan_draft", room_id=access.room.room.id, plan_id=access.plan.id)
    return ctx.redirect(f"{url}#utkast-{section_id}")


async def save_section(ctx: Ctx, access: PlanAccess) -> Response:
    form = await ctx.request.form()
    section_id = ctx.path_id("section_id")
    try:
        await service.save_section(
            ctx.db, actor=ctx.me, access=access, section_id=section_id, data=forms.section(form)
        )
    except Invalid as invalid:
        return await draft(
            ctx, access, errors=invalid.errors, values=_values(form), failed=str(section_id)
        )
    url = ctx.url("plan_draft", room_id=access.room.room.id, plan_id=access.plan.id)
    return ctx.redirect(f"{url}#utkast-{section_id}")


async def remove_section(ctx: Ctx, access: PlanAccess) -> Response:
    await service.remove_section(
        ctx.db, actor=ctx.me, access=access, section_id=ctx.path_id("section_id")
    )
    return ctx.redirect(ctx.url("plan_draft", room_id=access.room.room.id, plan_id=access.plan.id))


async def publish(ctx: Ctx, access: PlanAccess) -> Response:
    form = await ctx.request.form()
    try:
        await service.publish(ctx.db, actor=ctx.me, access=access, note=forms.publish_note(form))
    except Invalid as invalid:
        return await draft(
            ctx, access, errors=invalid.errors, values=_values(form), failed="publish"
        )
    return ctx.redirect(_plan_url(ctx, access))


# --- reading ---------------------------------------------------------------------------------


def _version_param(ctx: Ctx, name: str) -> int | None:
    raw = ctx.request.query_params.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise NotFound()
    return int(raw)


async def show(
    ctx: Ctx,
    page_access: tuple[PlanAccess, list[queries.VersionRow]],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failed_section: int | None = None,
) -> Response:
    """The plan as published; ``page_access``: its access and published versions, read
    together (plans.access.plan_page)."""
    access, versions = page_access
    if access.plan.latest_version == 0:
        return ctx.redirect(
            ctx.url("plan_draft", room_id=access.room.room.id, plan_id=access.plan.id)
        )
    page = await overview.plan_page(
        ctx.db,
        access,
        versions,
        number=_version_param(ctx, "version"),
        reader_id=ctx.me.id,
        now=clock.now(),
    )
    return ctx.render(
        "plans/show.html",
        {
            **await _comment_context(ctx, access),
            "page": page,
            "markdown": markdown,
            "errors": errors or {},
            "values": values or {},
            "failed_section": failed_section,
        },
        status=400 if errors else 200,
    )


async def _comment_context(ctx: Ctx, access: PlanAccess) -> dict[str, Any]:
    """What the comment threads need, on the page and in fragments."""
    mine = access.comment_organisations()
    names = dict(await queries.organisation_names(ctx.db, mine)) if len(mine) > 1 else {}
    return {
        "access": access,
        "room": access.room.room,
        "plan": access.plan,
        # A tuple: the section's comment form is a remembered fragment keyed by it.
        "speak_for": tuple((i, names.get(i, "")) for i in mine) if len(mine) > 1 else (),
    }


async def compare(ctx: Ctx, access: PlanAccess) -> Response:
    if access.plan.latest_version < 2:
        raise NotFound()
    new = _version_param(ctx, "till") or access.plan.latest_version
    old = _version_param(ctx, "fran") or max(1, new - 1)
    old_version, new_version, changes, versions = await overview.compare(ctx.db, access, old, new)
    return ctx.render(
        "plans/compare.html",
        {
            "access": access,
            "room": access.room.room,
            "plan": access.plan,
            "old": old_version,
            "new": new_version,
            "changes": changes,
            "versions": versions,
        },
    )


# --- comments --------------------------------------------------------------------------------


async def threads(
    ctx: Ctx,
    section_access: tuple[PlanAccess, queries.PublishedSection | None],
    *,
    error: str = "",
    status: int = 200,
    focus: int = 0,
) -> Response:
    """One section's comments: the fragment a live update or an htmx comment swaps in.
    ``section_access``: the plan's access and the section as published, read together
    (plans.access.plan_section) — or, after a comment, the access the request was just
    checked for and the section read again."""
    access, published = section_access
    section = overview.section_threads(
        access, ctx.path_id("section_id"), published, reader_id=ctx.me.id, now=clock.now()
    )
    return ctx.render(
        "plans/_threads.html",
        {
            **await _comment_context(ctx, access),
            "t": section,
            "may_reply": access.may_comment,
            "thread_error": error,
            "focus_comment": str(focus) if focus else "",
        },
        status=status,
    )


async def comment(
    ctx: Ctx, section_access: tuple[PlanAccess, queries.PublishedSection | None]
) -> Response:
    """A new comment or reply. ``section_access``: the plan's access and the section as
    published with its count of comments and the thread a reply joins, read in the comment's
    write transaction (plans.access.plan_comment_thread) — so the answer is that thread and the
    new comment, read nothing again. A refused comment's answer is the whole section, read
    then."""
    access, section = section_access
    form = await ctx.request.form()
    section_id = ctx.path_id("section_id")
    try:
        new = await service.add_comment(
            ctx.db,
            actor=ctx.me,
            access=access,
            section_id=section_id,
            section=section,
            data=forms.comment(form),
            live=live_hub(ctx),
        )
    except Invalid as invalid:
        if htmx.is_htmx(ctx.request):
            error = next(iter(invalid.errors.values()))
            whole = await plan_section(ctx)
            return await threads(ctx, whole, error=error, status=400)
        return await show(
            ctx,
            (access, await queries.versions(ctx.db, access.plan.id)),
            errors=invalid.errors,
            values=_values(form),
            failed_section=section_id,
        )
    if htmx.is_htmx(ctx.request):
        assert section is not None  # add_comment found it
        return await _answer(ctx, access, section, new)
    return ctx.redirect(_plan_url(ctx, access, f"kommentar-{new.id}"))


async def _answer(
    ctx: Ctx, access: PlanAccess, section: queries.PublishedSection, new: queries.CommentRow
) -> Response:
    """The answer to an htmx comment, with the focus on the new one: its thread alone, added to
    the end of the section's list or put in place of the thread a reply joins, and the section's
    head (the count) out of band. What others wrote meanwhile comes as live updates, as on any
    open page."""
    t = overview.section_threads(
        access, new.section_id, section.with_comment(new), reader_id=ctx.me.id, now=clock.now()
    )
    thread = next(th for th in t.threads if th.holds(str(new.id)))
    response = ctx.render(
        "plans/_comment_answer.html",
        {
            **await _comment_context(ctx, access),
            "t": t,
            "th": thread,
            "focus": str(new.id),
            "may_reply": access.may_comment,
        },
    )
    if new.parent_id is None:
        return htmx.retarget(response, f"#kommentarer-{t.section_id}-tradar", "beforeend")
    return htmx.retarget(response, f"#trad-{thread.comment.id}", "outerHTML")


async def edit_comment(ctx: Ctx, access: PlanAccess) -> Response:
    comment_id = ctx.path_id("comment_id")
    found = await queries.comment(ctx.db, access.plan.id, comment_id)
    if found is None or found.author_id != ctx.me.id:
        raise NotFound()
    values = {"body": found.body}
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _values(form)
        try:
            body = forms.comment(form).body
            await service.edit_comment(
                ctx.db,
                actor=ctx.me,
                access=access,
                comment_id=comment_id,
                body=body,
                live=live_hub(ctx),
            )
        except Invalid as invalid:
            errors = invalid.errors
        else:
            return ctx.redirect(_plan_url(ctx, access, f"kommentar-{comment_id}"))
    return ctx.render(
        "plans/comment_edit.html",
        {
            "access": access,
            "room": access.room.room,
            "plan": access.plan,
            "comment": found,
            "still_editable": service.may_still_edit(found.created_at, clock.now())
            and not access.room.room.is_closed,
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


async def export_comments(ctx: Ctx, access: PlanAccess) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    comments = await queries.comments(ctx.db, access.plan.id)
    headings = {
        sid: h
        for sid, (_k, h) in (await queries.published_headings(ctx.db, access.plan.id)).items()
    }
    body = (
        exports.comments_csv(comments, headings)
        if fmt == "csv"
        else exports.comments_xlsx(comments, headings)
    )
    await audit_export(
        ctx.db,
        actor=ctx.me,
        access=access.room,
        what=f"plan-{access.plan.id}-kommentarer.{fmt}",
        organisation_id=None,
    )
    return Response(
        body,
        media_type=tables.CSV_MEDIA_TYPE if fmt == "csv" else tables.XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="plan-{access.plan.id}-kommentarer.{fmt}"'
        },
    )


# --- live ------------------------------------------------------------------------------------


async def events(ctx: Ctx, access: PlanAccess) -> Response:
    """Server-sent events: ids of new and changed comments on this plan, as they happen."""
    if access.plan.latest_version == 0:
        raise NotFound()
    hub = live_hub(ctx)
    try:
        await hub.start()  # fail here, as a page, rather than in the middle of a stream
    except LiveUnavailable as error:
        raise ServiceUnavailable(
            _("Direktuppdateringar fungerar inte just nu. Ladda om sidan för att se det nya.")
        ) from error
    stream = _stream(hub, service.live_topic(access.plan.id))
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(hub: LiveHub, topic: str) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    async with hub.subscribe(topic) as queue:
        yield "retry: 5000\n\n"
        deadline = loop.time() + STREAM_SECONDS
        while (left := deadline - loop.time()) > 0:
            try:
                payload = await asyncio.wait_for(queue.get(), timeout=min(HEARTBEAT_SECONDS, left))
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if payload is None:
                return
            yield f"event: comment\ndata: {payload}\n\n"
