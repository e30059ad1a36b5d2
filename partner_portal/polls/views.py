"""Date polls: the list, proposing times, the poll's page (answers, how each organisation
can, booking the meeting) and the answer page behind the mail's link."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal.organisations.queries import organisation_choices
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.polls import forms, queries, service
from partner_portal.polls.access import PollAccess
from partner_portal.polls.service import MOST_TIMES
from partner_portal.rooms import queries as room_queries
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    polls = await queries.polls_for(ctx.db, ctx.me.id, everything=ctx.me.is_coordinator)
    return ctx.render("polls/index.html", {"polls": polls, "now": clock.now()})


async def create(ctx: Ctx) -> Response:
    values: dict[str, Any] = {"organisation": []}
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        values["organisation"] = [v for v in form.getlist("organisation") if isinstance(v, str)]
        try:
            poll_id = await service.create_poll(
                ctx.db,
                actor=ctx.me,
                data=forms.poll(form),
                settings=ctx.settings,
                env=ctx.portal.templates.env,
            )
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            return ctx.redirect(ctx.url("poll", poll_id=poll_id))
    rooms = [
        (r.id, r.name)
        for r in await room_queries.rooms_for(ctx.db, ctx.me.id, everything=True)
        if not r.is_closed
    ]
    return ctx.render(
        "polls/form.html",
        {
            "values": values,
            "errors": errors,
            "slots": range(1, MOST_TIMES + 1),
            "room_choices": rooms,
            "organisation_choices": await organisation_choices(ctx.db),
        },
        status=status,
    )


async def show(
    ctx: Ctx,
    access: PollAccess,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    poll = access.poll
    options = await queries.options(ctx.db, poll.id)
    organisations = await queries.invited(ctx.db, poll.id)
    answers = await queries.answers(ctx.db, poll.id)
    return ctx.render(
        "polls/show.html",
        {
            "access": access,
            "poll": poll,
            "options": options,
            "organisations": organisations,
            "summary": service.summary(options, [i for i, _n in organisations], answers),
            "mine": {a.option_id: a.answer.value for a in answers if a.person_id == ctx.me.id},
            "is_open": poll.is_open(clock.now()),
            "errors": errors or {},
        },
        status=status,
    )


async def answer(ctx: Ctx, access: PollAccess) -> Response:
    form = await ctx.request.form()
    try:
        await service.answer(ctx.db, actor=ctx.me, access=access, given=forms.answers(form))
    except Invalid as invalid:
        return await show(ctx, access, errors=invalid.errors, status=400)
    return ctx.redirect(ctx.url("poll", poll_id=access.poll.id) + "#svar")


async def book(ctx: Ctx, access: PollAccess) -> Response:
    form = await ctx.request.form()
    try:
        meeting_id = await service.book(
            ctx.db,
            actor=ctx.me,
            access=access,
            option_id=forms.option(form),
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        return await show(ctx, access, errors=invalid.errors, status=400)
    return ctx.redirect(ctx.url("meeting", meeting_id=meeting_id))


async def link(ctx: Ctx) -> Response:
    """The answer page behind the mail's link: no login, the link's secret is the access."""
    token = ctx.request.path_params["token"]
    errors: dict[str, str] = {}
    done, status = False, 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        try:
            page = await service.answer_by_link(ctx.db, token=token, given=forms.answers(form))
        except Invalid as invalid:
            errors, status = invalid.errors, 400
            page = await service.open_link(ctx.db, token)
        else:
            done = True
    else:
        page = await service.open_link(ctx.db, token)
    return ctx.render(
        "polls/link.html",
        {
            "page": page,
            "token": token,
            "done": done,
            "errors": errors,
            "mine": {k: v.value for k, v in page.mine.items()},
        },
        status=status,
    )
