"""The settings page, and the language cookie it shares with the language link."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response

from partner_portal.platform import i18n
from partner_portal.platform.errors import Invalid
from partner_portal.preferences import forms, service
from partner_portal.web import Ctx

_YEAR = 365 * 24 * 3600


def remember_language(response: Response, language: str, *, secure: bool) -> Response:
    """The browser's cookie for ``language`` (it wins over a stored choice, so the two are set
    together when a logged-in person chooses)."""
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=_YEAR,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    return response


async def settings_page(ctx: Ctx) -> Response:
    me = ctx.me
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        try:
            data = forms.preferences(form)
        except Invalid as invalid:
            values = {"language": str(form.get("language") or "")}
            return _page(ctx, values, invalid.errors, status=400)
        await service.save(ctx.db, actor=me, data=data)
        response = ctx.redirect(ctx.url("preferences", query={"sparat": "1"}))
        return remember_language(response, data.language, secure=ctx.settings.https)
    return _page(ctx, {"language": me.language}, {})


def _page(
    ctx: Ctx, values: Mapping[str, str], errors: Mapping[str, str], *, status: int = 200
) -> Response:
    return ctx.render(
        "preferences/index.html",
        {
            "values": values,
            "errors": errors,
            "saved": ctx.request.query_params.get("sparat") == "1",
        },
        status=status,
    )
