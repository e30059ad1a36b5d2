"""Pages reached from links in emails: joining (invitation or open sign-up link), answering a
call-out, and confirming availability. The last two need no login: the link is the key, and
opening it only shows a page — the answer is given with a button (POST)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.frg import availability, callouts, enrolment
from partner_portal.platform.errors import BadRequest
from partner_portal.web import Ctx


async def invitation_open(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    link = await enrolment.open_invitation(ctx.db, token)
    return ctx.render(
        "frg/join.html",
        {"link": link, "action": ctx.url("frg_invitation_accept", token=token), "signup": False},
    )


async def invitation_accept(ctx: Ctx) -> Response:
    organisation_id = await enrolment.accept_invitation(
        ctx.db, person=ctx.me, token=ctx.request.path_params["token"]
    )
    return ctx.redirect(ctx.url("frg_profile", organisation_id=organisation_id))


async def signup_open(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    group = await enrolment.open_signup(ctx.db, token)
    link = enrolment.OpenLink(group.name, None)
    return ctx.render(
        "frg/join.html",
        {"link": link, "action": ctx.url("frg_signup", token=token), "signup": True},
    )


async def signup(ctx: Ctx) -> Response:
    organisation_id = await enrolment.sign_up(
        ctx.db, person=ctx.me, token=ctx.request.path_params["token"]
    )
    return ctx.redirect(ctx.url("frg_profile", organisation_id=organisation_id))


async def answer(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        choice = form.get("svar")
        if choice not in ("ja", "nej"):
            await callouts.open_answer(ctx.db, token)  # an unusable link says so first
            raise BadRequest()
        page = await callouts.answer(ctx.db, token=token, yes=choice == "ja")
        return ctx.render("frg/answer.html", {"page": page, "token": token, "done": True})
    page = await callouts.open_answer(ctx.db, token)
    wanted = ctx.request.query_params.get("svar")
    return ctx.render(
        "frg/answer.html",
        {
            "page": page,
            "token": token,
            "done": False,
            "wanted": wanted if wanted in ("ja", "nej") else None,
        },
    )


async def confirm_availability(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    if ctx.request.method == "POST":
        action = await availability.confirm_from_mail(ctx.db, token=token, settings=ctx.settings)
        return ctx.render(
            "frg/confirm_availability.html", {"action": action, "token": token, "done": True}
        )
    action = availability.check_mail_token(token, ctx.settings)
    return ctx.render(
        "frg/confirm_availability.html", {"action": action, "token": token, "done": False}
    )
