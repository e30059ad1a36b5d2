"""The request context every view receives, and the route wrapper that builds it.

For each request the wrapper: opens one database session, loads the login session from the
cookie, checks the route's access policy, checks CSRF on unsafe methods, calls the view, and marks
the response ``no-store``. Views stay thin: parse, call one service function, render or redirect.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from partner_portal.auth import sessions
from partner_portal.auth.access import LoginRequired, Policy
from partner_portal.auth.oidc import OidcClient
from partner_portal.auth.sessions import ActiveSession, CurrentPerson
from partner_portal.platform import clock, htmx, i18n, links
from partner_portal.platform.db import (
    MAY_HAVE_WRITTEN,
    ConnectionLost,
    begin_write,
    connection_lost,
    request_session_options,
    write_here,
)
from partner_portal.platform.errors import CsrfFailure
from partner_portal.platform.menu import menu
from partner_portal.platform.ratelimit import RateLimiter, RateLimitStore
from partner_portal.platform.settings import Settings
from partner_portal.platform.templating import Templates
from partner_portal.platform.uploads import ReceivedForm, UploadLimits, receive
from partner_portal.platform.urls import UrlTable, VersionedStaticFiles

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Portal:
    """What lives as long as the application: settings, database, templates, login client."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    templates: Templates
    oidc: OidcClient | None
    head_revision: str | None
    urls: UrlTable
    dev: Any = None  # the development tools (mail catcher), under `partner-portal dev` only
    # Where rate limits are counted: Redis with PORTAL_REDIS_URL, this process otherwise.
    rate_limits: RateLimitStore = field(init=False)
    # Login starts, per client address.
    login_limiter: RateLimiter = field(init=False)
    # Forms with files, per person (a throttle, not an accounting).
    upload_limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.rate_limits = RateLimitStore.for_settings(self.settings)
        self.login_limiter = self.rate_limits.limiter("login", 20, 60)
        self.upload_limiter = self.rate_limits.limiter("upload", 60, 3600)


def portal_of(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


@dataclass
class Ctx:
    request: Request
    portal: Portal
    db: AsyncSession
    session: ActiveSession | None

    @property
    def settings(self) -> Settings:
        return self.portal.settings

    @property
    def person(self) -> CurrentPerson | None:
        return self.session.person if self.session else None

    @property
    def me(self) -> CurrentPerson:
        """The logged-in person, on routes whose policy requires login."""
        if self.session is None:
            raise LoginRequired()
        return self.session.person

    def path_id(self, name: str) -> int:
        """An ``{name:id}`` path parameter (the convertor guarantees a positive int)."""
        return int(self.request.path_params[name])

    @property
    def client_ip(self) -> str | None:
        """The client's address: the peer's, or behind a trusted proxy (PORTAL_TRUSTED_PROXIES)
        the one it forwarded (platform.middleware.TrustedProxiesMiddleware)."""
        return self.request.client.host if self.request.client else None

    def upload_form(self) -> ReceivedForm:
        """The form of a route declared with ``uploads=True``, read within the upload limits."""
        form: ReceivedForm = self.request.state.upload_form
        return form

    def url(self, name: str, /, query: Mapping[str, Any] | None = None, **params: Any) -> str:
        return url_path(self.request, name, query, **params)

    def render(
        self, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        """The whole page, or for htmx only the block named like the swap target."""
        full = {**page_context(self.request, self.session), **(context or {})}
        target = htmx.target(self.request)
        templates = self.portal.templates
        block = target if target and templates.has_block(template, target) else None
        return HTMLResponse(templates.render(template, full, block=block), status_code=status)

    def redirect(self, url: str) -> Response:
        """After a successful POST: 303 See Other (htmx gets a full-page navigation)."""
        if htmx.is_htmx(self.request):
            return htmx.redirect(url)
        return RedirectResponse(url, status_code=303)


View = Callable[[Ctx], Awaitable[Response]]
T = TypeVar("T")
# Loads the object a route's path names and checks that the person may have it (else NotFound):
# declared in the route table, run after the policy (and, on a POST, after the CSRF check).
Loader = Callable[[Ctx], Awaitable[T]]
ObjectView = Callable[[Ctx, T], Awaitable[Response]]


class PortalRoute(Route):
    """A route with its access policy — and, for a path that names an object, the loader that
    checks the object access — attached, so the route table can be checked as a whole."""

    def __init__(
        self,
        path: str,
        view: View,
        *,
        name: str,
        access: Policy,
        methods: Sequence[str],
        uploads: bool = False,
        load: Loader[Any] | None = None,
    ) -> None:
        self.access = access
        self.view = view
        self.uploads = uploads
        self.load = load

        async def endpoint(request: Request) -> Response:
            return await _handle(request, view, access, uploads=uploads)

        super().__init__(path, endpoint, name=name, methods=list(methods))


class PublicMount(Mount):
    """Static files: public by declaration."""

    def __init__(self, path: str, directory: str, *, name: str) -> None:
        self.access = Policy("public static files")
        super().__init__(path, app=VersionedStaticFiles(directory=directory), name=name)


@overload
def route(
    path: str,
    view: View,
    *,
    name: str,
    access: Policy,
    methods: Sequence[str] = ("GET",),
    uploads: bool = False,
) -> PortalRoute: ...


@overload
def route(
    path: str,
    view: ObjectView[T],
    *,
    name: str,
    access: Policy,
    load: Loader[T],
    methods: Sequence[str] = ("GET",),
    uploads: bool = False,
) -> PortalRoute: ...


def route(
    path: str,
    view: Callable[..., Awaitable[Response]],
    *,
    name: str,
    access: Policy,
    load: Loader[Any] | None = None,
    methods: Sequence[str] = ("GET",),
    uploads: bool = False,
) -> PortalRoute:
    """One row of the route table. ``access``: who may use the route at all. ``load``: for a
    path that names an object (``{room_id:id}`` …), the function that loads it and checks this
    person's access to it (NotFound otherwise); the view is then called with what it returns,
    ``view(ctx, loaded)``, so no view loads its own object. ``uploads=True``: the form may
    carry files; it is read within the upload limits before the view runs, and the view takes
    it from ``ctx.upload_form()``."""
    if load is None:
        return PortalRoute(path, view, name=name, access=access, methods=methods, uploads=uploads)
    loader = load

    async def loaded(ctx: Ctx) -> Response:
        response: Response = await view(ctx, await loader(ctx))
        return response

    loaded.__name__ = getattr(view, "__name__", "view")
    loaded.__module__ = getattr(view, "__module__", __name__)
    return PortalRoute(
        path, loaded, name=name, access=access, methods=methods, uploads=uploads, load=load
    )


def upload_limits(settings: Settings) -> UploadLimits:
    return UploadLimits(
        max_file_bytes=settings.upload_max_mb * 1024 * 1024, max_files=settings.upload_max_files
    )


async def _handle(
    request: Request, view: View, policy: Policy, *, uploads: bool = False
) -> Response:
    """The view in a database session of its own. A page that only reads and lost its
    database connection (a restart, a failover) is read once more on a fresh connection; a
    request that may have written is never run again (its error becomes the 503 page)."""
    try:
        if request.method not in SAFE_METHODS:
            return await _handle_once(request, view, policy, uploads=uploads)
        return await _read(request, view, policy)
    except Exception as exc:
        if isinstance(exc, DBAPIError) or not connection_lost(exc):
            raise
        # The driver's own error, unwrapped: the same 503 as a DBAPIError's.
        raise ConnectionLost(type(exc).__name__) from exc


async def _read(request: Request, view: View, policy: Policy) -> Response:
    """A safe request, read once more on a fresh connection if it lost its own before it could
    have written anything."""
    attempt = _Attempt()
    try:
        return await _handle_once(request, view, policy, attempt=attempt)
    except Exception as exc:
        if attempt.may_have_written or not connection_lost(exc):
            raise
        log.info(
            "database connection lost on %s %s: reading again", request.method, request.url.path
        )
    return await _handle_once(request, view, policy)


@dataclass(slots=True)
class _Attempt:
    may_have_written: bool = False


async def _handle_once(
    request: Request,
    view: View,
    policy: Policy,
    *,
    uploads: bool = False,
    attempt: _Attempt | None = None,
) -> Response:
    portal = portal_of(request)
    # A GET only reads: on SQLite it takes no lock and runs beside the one writer. A POST takes
    # its body holding nothing (it may arrive slowly) and reads the login session likewise; its
    # view then writes in a transaction that holds the write lock from its first statement (so
    # it cannot find its snapshot stale) until it commits a write; what it reads after that, to
    # render its answer, takes no lock again (db.RequestTransactions). A small plain form is
    # read before the login session, which then goes on to write on the same connection
    # (db.write_here); files and bigger forms are read after it, the connection given back.
    form_first = request.method not in SAFE_METHODS and not uploads and _plain_form(request)
    if form_first:
        await request.form()
    async with portal.sessions(execution_options=request_session_options(write=False)) as db:
        ctx = Ctx(request, portal, db, await load_session(request, db, portal.settings))
        request.state.ctx = ctx  # error pages show who is logged in
        if ctx.person is not None and i18n.LANGUAGE_COOKIE not in request.cookies:
            # The person's stored language, when no cookie says otherwise (LanguageMiddleware
            # set the default and restores it after the request; error pages speak it too).
            i18n.current_language.set(ctx.person.language)
        policy.check(ctx.person, portal.settings)
        if request.method in SAFE_METHODS:
            try:
                response = await view(ctx)
            finally:
                if attempt is not None:
                    attempt.may_have_written = bool(db.info.get(MAY_HAVE_WRITTEN))
            return _no_store(response)
        if uploads:
            await begin_write(db)  # ends the read: nothing is held while the files arrive
            session = _check_origin(request, ctx.session)
            await portal.upload_limiter.hit(str(session.person.id))
            async with receive(
                request,
                limits=upload_limits(portal.settings),
                tmp_root=portal.settings.data_dir / "uploads" / "tmp",
                check_token=lambda fields: _check_token(request, session, fields.get(CSRF_FIELD)),
            ) as form:
                request.state.upload_form = form
                response = await view(ctx)
        elif form_first:
            await _check_csrf(request, ctx.session, link_token=policy.link_token)
            await write_here(db)
            response = await view(ctx)
        else:
            await begin_write(db)  # ends the read: nothing is held while the body arrives
            await _check_csrf(request, ctx.session, link_token=policy.link_token)
            if request.headers.get("content-type", "").startswith(_MULTIPART):
                # The whole form before the view's loader begins the write transaction: a
                # slow sender holds no lock (the view's request.form() is this one).
                await request.form()
            response = await view(ctx)
    return _no_store(response)


_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


# A form read before its sender is known to be logged in is bounded: a comment is 4,000
# characters at most; a longer form (a plan's section) is read after the login session.
FORM_FIRST_BYTES = 64 * 1024


def _plain_form(request: Request) -> bool:
    """A small urlencoded form (a browser's and htmx's form without files), of a declared
    length: parsed at once and without fail."""
    length = request.headers.get("content-length", "")
    return (
        request.headers.get("content-type", "").startswith(_URLENCODED)
        and length.isdigit()
        and int(length) <= FORM_FIRST_BYTES
    )


def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def load_session(
    request: Request, db: AsyncSession, settings: Settings
) -> ActiveSession | None:
    token = request.cookies.get(sessions.cookie_name(settings))
    if not links.plausible(token):
        return None
    assert token is not None
    return await sessions.load(db, token, settings)


async def _check_csrf(
    request: Request, session: ActiveSession | None, *, link_token: bool = False
) -> None:
    """Unsafe requests must come from our own pages and carry the session's CSRF token.

    On a one-click link's page without a login session, the link's own secret stands in for
    the token: only the origin checks apply."""
    if link_token and session is None:
        _check_same_origin(request)
        return
    active = _check_origin(request, session)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    _check_token(request, active, sent)


def _check_same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise CsrfFailure()
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfFailure()


def _check_origin(request: Request, session: ActiveSession | None) -> ActiveSession:
    """Same origin, and a login session (whose token the request must then carry)."""
    _check_same_origin(request)
    if session is None:
        raise CsrfFailure()
    return session


def _check_token(request: Request, session: ActiveSession, form_value: str | None) -> None:
    """The header (htmx) or the form field must equal the session's token."""
    sent = request.headers.get(CSRF_HEADER) or form_value
    if not sent or not csrf_matches(sent, session.csrf_token):
        raise CsrfFailure()


def masked_csrf_token(token: str) -> str:
    """The session's CSRF token under a fresh one-time pad, for one page (as Django does).

    Pages are compressed: were the same secret in every page, its compressed size beside text an
    attacker can reflect into the page would leak it byte by byte (BREACH). Masked, it never
    repeats."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    masked = bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(pad + masked).decode()


def csrf_matches(sent: str, token: str) -> bool:
    """``sent`` is the token itself or a mask of it (masked_csrf_token)."""
    raw = token.encode()
    if len(sent) != len(token):
        try:
            data = base64.urlsafe_b64decode(sent.encode("ascii"))
        except (UnicodeEncodeError, binascii.Error, ValueError):
            return False
        if len(data) != 2 * len(raw):
            return False
        pad, masked = data[: len(raw)], data[len(raw) :]
        return hmac.compare_digest(bytes(a ^ b for a, b in zip(pad, masked, strict=True)), raw)
    return hmac.compare_digest(sent.encode(), raw)


def url_path(
    request: Request, name: str, query: Mapping[str, Any] | None = None, /, **params: Any
) -> str:
    return portal_of(request).urls.url(name, query, **params)


def page_context(request: Request, session: ActiveSession | None) -> dict[str, Any]:
    """What every template may use: who is logged in, the CSRF token, URL helpers."""
    portal = portal_of(request)
    settings = portal.settings

    def url(name: str, query: Mapping[str, Any] | None = None, **params: Any) -> str:
        return url_path(request, name, query, **params)

    def static(path: str) -> str:
        return portal.urls.static(path)

    person = session.person if session else None
    return {
        "request": request,
        "person": person,
        "csrf_token": masked_csrf_token(session.csrf_token) if session else "",
        "lang": i18n.current_language.get(),
        "url": url,
        "static": static,
        "dev_tools": settings.dev_tools,
        # PORTAL_NOW: every page says that the portal runs on exercise time, and which.
        "exercise_time": clock.local_now() if settings.now is not None else None,
        "htmx": htmx.is_htmx(request),
        "current_path": request.url.path,
        "menu": menu(
            request.url.path,
            portal.urls,
            signed_in=person is not None,
            coordinator=person is not None and person.is_coordinator,
            follows_up=person is not None and person.may_follow_up,
            dev_tools=settings.dev_tools,
        ),
        # After logging in from a page, come back to it; never to the login round-trip itself.
        "login_next": "/" if request.url.path.startswith("/auth/") else request.url.path,
    }
