"""The mail preferences page (logged in) and the unsubscribe link's page (no login: the link's
secret is the authorisation, see preferences.py)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.digests import forms
from partner_portal.mail import preferences
from partner_portal.mail.preferences import Preferences
from partner_portal.platform.errors import Invalid
from partner_portal.web import Ctx


async def settings_page(ctx: Ctx) -> Response:
    if ctx.request.method == "POST":
        try:
            choice = forms.preferences(await ctx.request.form())
        except Invalid as invalid:
            current = await preferences.preferences_of(ctx.db, ctx.me.id)
            return _page(ctx, current, errors=invalid.errors, status=400)
        await preferences.save(ctx.db, person_id=ctx.me.id, choice=choice, ip_address=ctx.client_ip)
        return ctx.redirect(ctx.url("mail_preferences", query={"sparat": "1"}))
    current = await preferences.preferences_of(ctx.db, ctx.me.id)
    return _page(ctx, current, saved=ctx.request.query_params.get("sparat") == "1")


def _page(
    ctx: Ctx,
    current: Preferences,
    *,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    return ctx.render(
        "digests/preferences.html",
        {"current": current, "errors": errors or {}, "saved": saved},
        status=status,
    )


async def unsubscribe(ctx: Ctx) -> Response:
    """GET: what the link would turn off, and a button. POST (the button, or a mail program's
    one-click request, RFC 8058): turn it off."""
    token = ctx.request.path_params["token"]
    if ctx.request.method == "POST":
        link = await preferences.unsubscribe(ctx.db, token=token, ip_address=ctx.client_ip)
        return ctx.render("digests/unsubscribe.html", {"link": link, "token": token, "done": True})
    link = await preferences.open_link(ctx.db, token)
    return ctx.render("digests/unsubscribe.html", {"link": link, "token": token, "done": False})
