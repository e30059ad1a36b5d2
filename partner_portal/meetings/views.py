"""Meetings: the list, scheduling and changing one, its page (answers, attendance, minutes,
decisions) and its .ics; the person's calendar feed."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal import confirm
from partner_portal.actions import forms as action_forms
from partner_portal.actions import queries as action_queries
from partner_portal.meetings import feed, forms, ics, queries, scheduling, series
from partner_portal.meetings import minutes as minutes_service
from partner_portal.meetings.access import MeetingAccess
from partner_portal.meetings.wording import when
from partner_portal.organisations.queries import organisation_choices
from partner_portal.platform import clock
from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms import queries as room_queries
from partner_portal.web import Ctx


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["organisation"] = [v for v in form.getlist("organisation") if isinstance(v, str)]
    return values


def room_filter(ctx: Ctx) -> int | None:
    """``?rum=ID``: only that room's meetings or actions (a filter, not an access check)."""
    raw = ctx.request.query_params.get("rum", "")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 10 else None


async def index(ctx: Ctx) -> Response:
    room_id = room_filter(ctx)
    room = await room_queries.room(ctx.db, room_id) if room_id else None
    meetings = await queries.meetings_for(
        ctx.db, ctx.me.id, everything=ctx.me.is_coordinator, room_id=room_id
    )
    now = clock.now()
    return ctx.render(
        "meetings/index.html",
        {
            "upcoming": sorted(
                (m for m in meetings if m.ends_at >= now), key=lambda m: m.starts_at
            ),
            "past": [m for m in meetings if m.ends_at < now],
            "room": room,
        },
    )


async def _choices(ctx: Ctx, room_id: int | None) -> dict[str, Any]:
    if room_id is not None:
        organisations = [
            (p.organisation_id, p.name)
            for p in await room_queries.participants(ctx.db, room_id)
            if p.status in room_queries.VISIBLE
        ]
    else:
        organisations = await organisation_choices(ctx.db)
    rooms = [
        (r.id, r.name)
        for r in await room_queries.rooms_for(ctx.db, ctx.me.id, everything=True)
        if not r.is_closed
    ]
    return {"organisation_choices": organisations, "room_choices": rooms}


async def create(ctx: Ctx) -> Response:
    room_id = room_filter(ctx)
    values: dict[str, Any] = {"room_id": str(room_id or ""), "organisation": []}
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _form_values(form)
        try:
            data, repeat = forms.meeting_and_repeat(form)
            if repeat is None:
                meeting_id = await scheduling.create_meeting(
                    ctx.db,
                    actor=ctx.me,
                    data=data,
                    settings=ctx.settings,
                    env=ctx.portal.templates.env,
                )
            else:
                meeting_id = await series.create_series(
                    ctx.db,
                    actor=ctx.me,
                    data=data,
                    repeat=repeat,
                    settings=ctx.settings,
                    env=ctx.portal.templates.env,
                )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
            raw_room = str(values.get("room_id", ""))
            room_id = int(raw_room) if raw_room.isdigit() and len(raw_room) < 10 else None
        else:
            return ctx.redirect(ctx.url("meeting", meeting_id=meeting_id))
    if room_id is not None and await room_queries.room(ctx.db, room_id) is None:
        room_id = None
    return ctx.render(
        "meetings/form.html",
        {
            "meeting": None,
            "room_id": room_id,
            "values": values,
            "errors": errors,
            **await _choices(ctx, room_id),
        },
        status=status,
    )


async def edit(ctx: Ctx, access: MeetingAccess) -> Response:
    meeting = access.meeting
    start = meeting.starts_at.astimezone(TIMEZONE)
    values: dict[str, Any] = {
        "title": meeting.title,
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": meeting.ends_at.astimezone(TIMEZONE).strftime("%H:%M"),
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "organisation": [
            str(i) for i, _n in await queries.invited_organisations(ctx.db, meeting.id)
        ],
    }
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _form_values(form)
        try:
            change = scheduling.update_meeting
            if meeting.series_id is not None:
                change = series.change_occurrence
            await change(
                ctx.db,
                actor=ctx.me,
                access=access,
                data=forms.meeting(form),
                settings=ctx.settings,
                env=ctx.portal.templates.env,
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("meeting", meeting_id=meeting.id))
    return ctx.render(
        "meetings/form.html",
        {
            "meeting": meeting,
            "room_id": meeting.room_id,
            "values": values,
            "errors": errors,
            **await _choices(ctx, meeting.room_id),
        },
        status=status,
    )


async def show(
    ctx: Ctx,
    access: MeetingAccess,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    meeting = access.meeting
    invitees = await queries.invitees(ctx.db, meeting.id)
    return ctx.render(
        "meetings/show.html",
        {
            "access": access,
            "meeting": meeting,
            "when": when(meeting.starts_at, meeting.ends_at),
            "organisations": await queries.invited_organisations(ctx.db, meeting.id),
            "invitees": invitees,
            "my_answer": await queries.my_answer(ctx.db, meeting.id, ctx.me.id),
            "decisions": await queries.decisions(ctx.db, meeting.id),
            "actions": await action_queries.from_meeting(ctx.db, meeting.id),
            "now": clock.now(),
            "started": minutes_service.has_started(meeting),
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


async def _then(
    ctx: Ctx, access: MeetingAccess, work: Any, anchor: str, *, lists: tuple[str, ...] = ()
) -> Response:
    """Do ``work`` with the posted form, or show the page again with the refused form as it
    was posted (``lists``: its fields with several values, such as ticked boxes)."""
    form = await ctx.request.form()
    try:
        await work(access, form)
    except Invalid as invalid:
        values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
        for name in lists:
            values[name] = [v for v in form.getlist(name) if isinstance(v, str)]
        return await show(ctx, access, errors=invalid.errors, values=values, status=400)
    return ctx.redirect(ctx.url("meeting", meeting_id=access.meeting.id) + anchor)


async def answer(ctx: Ctx, access: MeetingAccess) -> Response:
    async def work(access: MeetingAccess, form: Any) -> None:
        await scheduling.answer(ctx.db, actor=ctx.me, access=access, rsvp=forms.rsvp(form))

    return await _then(ctx, access, work, "#svar")


async def attendance(ctx: Ctx, access: MeetingAccess) -> Response:
    async def work(access: MeetingAccess, form: Any) -> None:
        await minutes_service.record_attendance(
            ctx.db, actor=ctx.me, access=access, present=forms.present_people(form)
        )

    return await _then(ctx, access, work, "#narvaro", lists=("present",))


async def minutes(ctx: Ctx, access: MeetingAccess) -> Response:
    async def work(access: MeetingAccess, form: Any) -> None:
        await minutes_service.save_minutes(
            ctx.db, actor=ctx.me, access=access, minutes=forms.minutes(form)
        )

    return await _then(ctx, access, work, "#protokoll")


async def decision(ctx: Ctx, access: MeetingAccess) -> Response:
    async def work(access: MeetingAccess, form: Any) -> None:
        errors: dict[str, str] = {}
        text = action = None
        try:
            text = forms.decision(form)
        except Invalid as invalid:
            errors |= invalid.errors
        if action_forms.wants_action(form):
            try:
                action = action_forms.action(form)
            except Invalid as invalid:
                errors |= invalid.errors
        if errors:
            raise Invalid(errors)
        assert text is not None
        await minutes_service.add_decision(
            ctx.db, actor=ctx.me, access=access, text=text, action=action
        )

    return await _then(ctx, access, work, "#beslut")


async def decision_action(ctx: Ctx, access: MeetingAccess) -> Response:
    """Another action from a decision: its own small page, so a refused form is shown with its
    errors beside its fields."""
    meeting = access.meeting
    found = await queries.decision(ctx.db, meeting.id, ctx.path_id("decision_id"))
    if found is None or not access.may_manage:
        raise NotFound()
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            await minutes_service.add_decision_action(
                ctx.db,
                actor=ctx.me,
                access=access,
                decision_id=found.id,
                action=action_forms.action(form),
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("meeting", meeting_id=meeting.id) + f"#beslut-{found.id}")
    return ctx.render(
        "meetings/decision_action.html",
        {
            "meeting": meeting,
            "decision": found,
            "organisations": await queries.invited_organisations(ctx.db, meeting.id),
            "invitees": await queries.invitees(ctx.db, meeting.id),
            "values": values,
            "errors": errors,
        },
        status=status,
    )


async def cancel(ctx: Ctx, access: MeetingAccess) -> Response:
    meeting = access.meeting
    form = await ctx.request.form()
    if access.may_manage and not meeting.cancelled and not confirm.confirmed(form):
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Ställ in mötet %(title)s?") % {"title": meeting.title},
                explanation=[
                    _("Mötet %(when)s ställs in.")
                    % {"when": when(meeting.starts_at, meeting.ends_at)},
                    _(
                        "Alla som har bjudits in får ett e-postmeddelande om att mötet är "
                        "inställt, och mötet tas bort ur deras kalendrar. Svaren på mötet "
                        "går inte längre att ändra."
                    ),
                ],
                button=_("Ja, ställ in mötet"),
                action=ctx.url("meeting_cancel", meeting_id=meeting.id),
                cancel=ctx.url("meeting", meeting_id=meeting.id),
            ),
        )
    cancel = scheduling.cancel_meeting if meeting.series_id is None else series.cancel_occurrence
    await cancel(
        ctx.db, actor=ctx.me, access=access, settings=ctx.settings, env=ctx.portal.templates.env
    )
    return ctx.redirect(ctx.url("meeting", meeting_id=access.meeting.id))


def _calendar_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


async def download(ctx: Ctx, access: MeetingAccess) -> Response:
    m = access.meeting
    event = ics.MeetingEvent(
        uid=m.uid,
        sequence=m.sequence,
        title=m.title,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        place=m.place,
        video_url=m.video_url,
        agenda=m.agenda,
        url=ctx.settings.absolute_url(scheduling.meeting_path(m.id)),
        cancelled=m.cancelled,
        updated_at=m.updated_at,
    )
    return _calendar_response(ics.single(event, now=clock.now()), f"mote-{m.id}.ics")


# --- the calendar feed ---------------------------------------------------------------------


async def calendar_page(ctx: Ctx, *, token: str | None = None) -> Response:
    since = await feed.active_since(ctx.db, ctx.me.id)
    feed_url = ctx.settings.absolute_url(ctx.url("calendar_feed", token=token)) if token else None
    return ctx.render("meetings/calendar.html", {"since": since, "feed_url": feed_url})


async def calendar_create(ctx: Ctx) -> Response:
    token = await feed.create(ctx.db, actor=ctx.me, ip_address=ctx.client_ip)
    # Rendered, not redirected: the URL exists in plain text only in this response.
    return await calendar_page(ctx, token=token)


async def calendar_revoke(ctx: Ctx) -> Response:
    await feed.revoke(ctx.db, actor=ctx.me, ip_address=ctx.client_ip)
    return ctx.redirect(ctx.url("calendar"))


async def calendar_feed(ctx: Ctx) -> Response:
    text = await feed.calendar(
        ctx.db, ctx.request.path_params["token"], settings=ctx.settings, now=clock.now()
    )
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"},
    )
