"""Error pages in the portal's own look: 4xx with a clear message, 500 without a traceback.

htmx requests get the message swapped into the page's live region instead of a whole page.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from partner_portal.auth.access import LoginRequired
from partner_portal.platform import htmx
from partner_portal.platform.db import ConnectionLost, connection_lost
from partner_portal.platform.errors import (
    BadRequest,
    Forbidden,
    Gone,
    NotFound,
    PortalError,
    ServiceUnavailable,
    StorageUnavailable,
    TooManyRequests,
)
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.middleware import security_headers
from partner_portal.web import load_session, page_context, portal_of, url_path

log = logging.getLogger(__name__)


class _MethodNotAllowed(PortalError):
    status = 405

    def default_message(self) -> str:
        return _("Sidan kan inte användas på det sättet.")


class _ServerError(PortalError):
    status = 500

    def default_message(self) -> str:
        return _(
            "Ett oväntat fel uppstod hos oss. Ingenting av det du gjorde sparades halvvägs. "
            "Försök igen om en stund; om felet består, kontakta Botkyrka kommun."
        )


_BY_STATUS: dict[int, type[PortalError]] = {
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    405: _MethodNotAllowed,
    410: Gone,
    503: ServiceUnavailable,
}


async def portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    if isinstance(exc, LoginRequired):
        login = url_path(request, "login", {"next": request.url.path})
        if htmx.is_htmx(request):
            return htmx.redirect(login)
        return RedirectResponse(login, status_code=303)
    if isinstance(exc, StorageUnavailable):
        log.error(
            "could not store a file on %s %s: %s",
            request.method,
            request.url.path,
            exc.cause,
        )
    response = await _render(request, exc)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, wrong method, malformed form) in our look."""
    assert isinstance(exc, HTTPException)
    error_cls = _BY_STATUS.get(exc.status_code, BadRequest)
    error = error_cls()
    error.status = exc.status_code
    response = await _render(request, error)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


# Seconds a browser (or a client of the API) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5


async def database_error(request: Request, exc: Exception) -> Response:
    """The database could not take the request now: SQLite's writer held on past busy_timeout
    ("database is locked"), every pooled connection stayed busy past the pool's timeout, or
    PostgreSQL's connection went away. Nothing was saved, and trying again shortly works, so
    say that (503 with Retry-After) rather than "something broke"."""
    if not _overloaded(exc):
        return await server_error(request, exc)
    log.warning("database busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    busy = ServiceUnavailable(
        _("Portalen är upptagen just nu och ingenting sparades. Försök igen om en stund."),
        title=_("Försök igen"),
    )
    response = await _render(request, busy, load_person=False)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client went away while still sending its request (a closed tab, a load tool
    stopping): nothing was read, so nothing was saved, and nobody reads an answer. Not an error
    of ours: a line in the log, no traceback."""
    log.info("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=400)


def _overloaded(exc: Exception) -> bool:
    if isinstance(exc, PoolTimeout | ConnectionLost):
        return True
    if isinstance(exc, DBAPIError):
        return "database is locked" in str(exc) or connection_lost(exc)
    return False


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = await _render(request, _ServerError(title=_("Något gick fel")), load_person=False)
    # This response is sent from outside our middleware: add the security headers here.
    for name, value in security_headers(portal_of(request).settings):
        response.headers[name.decode()] = value.decode()
    return response


async def _render(request: Request, error: PortalError, *, load_person: bool = True) -> Response:
    portal = portal_of(request)
    context: dict[str, Any] = {"error": error, "status": error.status}
    session = None
    ctx = getattr(request.state, "ctx", None)
    if ctx is not None:
        session = ctx.session
    elif load_person:
        try:
            async with portal.sessions() as db:
                session = await load_session(request, db, portal.settings)
        except Exception:
            log.warning("error page rendered without the session", exc_info=True)
    full = {**page_context(request, session), **context}
    headers = {"Cache-Control": "no-store"}
    if htmx.is_htmx(request):
        body = portal.templates.render("errors/error.html", full, block="error_alert")
        headers |= {"HX-Retarget": "#meddelanden", "HX-Reswap": "innerHTML"}
    else:
        body = portal.templates.render("errors/error.html", full)
    return HTMLResponse(body, status_code=error.status, headers=headers)
