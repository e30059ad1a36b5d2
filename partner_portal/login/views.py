"""Login, the provider's callback, and logout."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from partner_portal.auth import service, sessions
from partner_portal.web import Ctx

LOGIN_COOKIE = "pp_login"
_LOGIN_COOKIE_PATH = "/auth/callback"


async def login(ctx: Ctx) -> Response:
    return_to = service.safe_return_to(ctx.request.query_params.get("next"))
    if ctx.person is not None:
        return RedirectResponse(return_to, status_code=303)
    await ctx.portal.login_limiter.hit(ctx.client_ip or "unknown")
    start = await service.begin_login(
        ctx.db,
        ctx.portal.oidc,
        ctx.settings,
        return_to=return_to,
        browser_token=ctx.request.cookies.get(LOGIN_COOKIE),
    )
    response = RedirectResponse(start.provider_url, status_code=302)
    response.set_cookie(
        LOGIN_COOKIE,
        start.browser_token,
        max_age=int(service.LOGIN_ATTEMPT_MAX_AGE.total_seconds()),
        path=_LOGIN_COOKIE_PATH,
        secure=ctx.settings.https,
        httponly=True,
        samesite="lax",
    )
    return response


async def callback(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    cookie = sessions.cookie_name(ctx.settings)
    done = await service.complete_login(
        ctx.db,
        ctx.portal.oidc,
        ctx.settings,
        state=params.get("state"),
        code=params.get("code"),
        error=params.get("error"),
        browser_token=ctx.request.cookies.get(LOGIN_COOKIE),
        previous_session_token=ctx.request.cookies.get(cookie),
        ip_address=ctx.client_ip,
    )
    response = RedirectResponse(done.return_to, status_code=303)
    response.set_cookie(
        cookie,
        done.session_token,
        path="/",
        secure=ctx.settings.https,
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(LOGIN_COOKIE, path=_LOGIN_COOKIE_PATH)
    return response


async def logout(ctx: Ctx) -> Response:
    assert ctx.session is not None  # the LOGGED_IN policy and the CSRF check ensure it
    destination = await service.logout(
        ctx.db, ctx.portal.oidc, ctx.settings, session=ctx.session, ip_address=ctx.client_ip
    )
    response = RedirectResponse(destination, status_code=303)
    response.delete_cookie(
        sessions.cookie_name(ctx.settings), path="/", secure=ctx.settings.https, httponly=True
    )
    return response
