"""The follow-up API's plumbing: routes that authenticate a bearer API token, JSON errors, and
strict query parameters.

An API route is what partner_portal.web's PortalRoute is for pages, with these differences:

* it authenticates ``Authorization: Bearer <token>`` only. Cookies are never read, so a logged-in
  browser cannot call it (and, with nothing ambient to abuse, it needs no CSRF token); a token in
  the query string is refused, because addresses end up in logs and browser histories;
* it answers only GET (and HEAD), always with JSON and ``Cache-Control: no-store``;
* errors are JSON ``{"error": code, "message": Swedish text}``, a 400 naming the parameter;
* each token may make ``API_REQUESTS_PER_MINUTE`` calls a minute.

A token opens nothing else: the portal's pages read only the session cookie.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from partner_portal.auth.access import PUBLIC, Policy
from partner_portal.followup import api_tokens
from partner_portal.followup.api_tokens import ApiReader
from partner_portal.platform import clock
from partner_portal.platform.errors import PortalError, TooManyRequests
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.ratelimit import RateLimiter
from partner_portal.platform.settings import Settings
from partner_portal.web import Portal, portal_of

API_REQUESTS_PER_MINUTE = 120
EVIDENCE_LIMIT_DEFAULT = 100
EVIDENCE_LIMIT_MAX = 1000
REALM = 'realm="Partnerportalen"'
# The largest id PostgreSQL's integer columns hold: a larger one could only be a mistake, and
# comparing with it would fail in the database instead of answering 400.
MAX_ID = 2_147_483_647
# Calendar dates in years 1900–2099: wide enough for any follow-up, and far from the edges
# where turning a date into a moment in Europe/Stockholm overflows.
DATE_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DATE = re.compile(DATE_PATTERN)
_INTEGER = re.compile(r"^[0-9]{1,10}$")

E = TypeVar("E", bound=enum.Enum)


def _no_default(schema: JsonDict) -> None:
    del schema["default"]


class Error(BaseModel):
    """Ett felsvar: en kod för program och ett meddelande på svenska."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    error: str = Field(description="Felets kod, för program.")
    message: str = Field(description="Vad som blev fel, på svenska.")
    # Left out of the answer when None, so the document says only "string, optional".
    parameter: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Parametern som inte kunde läsas (vid 400).",
        json_schema_extra=_no_default,
    )


class ApiError(Exception):
    """An answer other than 200, as JSON: a machine-readable code and a Swedish message."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        parameter: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.parameter = parameter
        self.headers = dict(headers or {})

    def response(self) -> Response:
        body = Error(error=self.error, message=self.message, parameter=self.parameter)
        return JSONResponse(
            body.model_dump(exclude_none=True), status_code=self.status, headers=self.headers
        )


def _unauthorized(error: str | None, message: str) -> ApiError:
    # RFC 6750: no error code when no token was sent at all.
    challenge = f'Bearer {REALM}, error="{error}"' if error else f"Bearer {REALM}"
    return ApiError(
        401,
        error or "missing_token",
        message,
        headers={"WWW-Authenticate": challenge},
    )


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter=name)


class Params:
    """The query string, read strictly: an unknown or repeated parameter, or a value that cannot
    be read, is a 400 naming the parameter — never silently a default."""

    def __init__(
        self, query: QueryParams, allowed: Mapping[str, bool], *, max_repeats: int = 50
    ) -> None:
        """``allowed``: parameter name → whether it may be repeated."""
        for name in query:
            if name not in allowed:
                raise bad_parameter(
                    name, _("Okänd parameter ”%(name)s”.") % {"name": _shorten(name)}
                )
            count = len(query.getlist(name))
            if count > (max_repeats if allowed[name] else 1):
                raise bad_parameter(
                    name, _("Parametern %(name)s får bara anges en gång.") % {"name": name}
                )
        self.query = query

    def date(self, name: str) -> date | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        if _DATE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:  # shaped like a date, but not one (30 February)
                pass
        raise bad_parameter(
            name,
            _("Parametern %(name)s ska vara ett datum mellan 1900 och 2099 som ÅÅÅÅ-MM-DD.")
            % {"name": name},
        )

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        if not _INTEGER.fullmatch(raw) or not minimum <= int(raw) <= maximum:
            raise bad_parameter(
                name,
                _("Parametern %(name)s ska vara ett heltal från %(min)d till %(max)d.")
                % {"name": name, "min": minimum, "max": maximum},
            )
        return int(raw)

    def boolean(self, name: str) -> bool:
        raw = self.query.get(name, "false")
        if raw not in ("true", "false"):
            raise bad_parameter(
                name, _("Parametern %(name)s ska vara true eller false.") % {"name": name}
            )
        return raw == "true"

    def choice(self, name: str, allowed: type[E]) -> E | None:
        raw = self.query.get(name)
        return None if raw is None else self._member(name, raw, allowed)

    def choices(self, name: str, allowed: type[E]) -> list[E]:
        return [self._member(name, raw, allowed) for raw in self.query.getlist(name)]

    def _member(self, name: str, raw: str, allowed: type[E]) -> E:
        for member in allowed:
            if member.value == raw:
                return member
        raise bad_parameter(
            name,
            _("Parametern %(name)s kan vara: %(values)s.")
            % {"name": name, "values": ", ".join(str(m.value) for m in allowed)},
        )


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}…"


@dataclass
class ApiCtx:
    """What an API view receives: the request, one database session, and the token's reader
    (None only on the public routes)."""

    request: Request
    portal: Portal
    db: AsyncSession
    reader: ApiReader | None

    @property
    def settings(self) -> Settings:
        return self.portal.settings

    @property
    def today(self) -> date:
        return clock.today()

    def params(self, **allowed: bool) -> Params:
        """The query string; ``allowed``: parameter name → whether it may be repeated."""
        return Params(self.request.query_params, allowed)

    def json(self, body: Any) -> Response:
        return JSONResponse(body)

    def answer(self, body: BaseModel) -> Response:
        """A typed answer, as JSON by its model (partner_portal.followup.api_models)."""
        return Response(body.model_dump_json(by_alias=True), media_type="application/json")


ApiView = Callable[[ApiCtx], Awaitable[Response]]


class ApiRoute(Route):
    """A GET route of the follow-up API, with its access policy attached like every route."""

    def __init__(self, path: str, view: ApiView, *, name: str, access: Policy) -> None:
        # Only two policies make sense here: the API token, or public (the OpenAPI document).
        if not (access.api_token or access == PUBLIC):
            raise ValueError(f"{path}: an API route needs the API token policy or PUBLIC")
        self.access = access
        self.view = view

        async def endpoint(request: Request) -> Response:
            return await _handle(request, view, access)

        super().__init__(path, endpoint, name=name, methods=["GET"])

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            # JSON like every other answer of the API, rather than the portal's HTML error page.
            error = ApiError(
                405,
                "method_not_allowed",
                _("API:t kan bara läsas, med GET."),
                headers={"Allow": ", ".join(sorted(self.methods))},
            )
            await _no_store(error.response())(scope, receive, send)
            return
        await super().handle(scope, receive, send)


def api_route(path: str, view: ApiView, *, name: str, access: Policy) -> ApiRoute:
    return ApiRoute(path, view, name=name, access=access)


async def _handle(request: Request, view: ApiView, policy: Policy) -> Response:
    portal = portal_of(request)
    try:
        token = _bearer_token(request) if policy.api_token else None
        async with portal.sessions() as db:
            reader = None
            if token is not None:
                reader = await api_tokens.authenticate(db, token)
                if reader is None:
                    raise _unauthorized(
                        "invalid_token",
                        _(
                            "API-nyckeln gäller inte: den är okänd eller återkallad, eller så "
                            "har dess innehavare inte längre rollen läsare för uppföljning."
                        ),
                    )
                await _limiter(request).hit(f"token:{reader.token_id}")
            response = await view(ApiCtx(request, portal, db, reader))
    except ApiError as error:
        response = error.response()
    except TooManyRequests as error:
        response = ApiError(
            429,
            "rate_limited",
            _(
                "För många anrop med den här API-nyckeln. Högst %(limit)d anrop per minut; "
                "försök igen om %(seconds)d sekunder."
            )
            % {"limit": API_REQUESTS_PER_MINUTE, "seconds": error.retry_after},
            headers={"Retry-After": str(error.retry_after)},
        ).response()
    except PortalError as error:  # raised below a view, e.g. NotFound
        response = ApiError(error.status, "error", error.message).response()
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_token(request: Request) -> str:
    """The token from ``Authorization: Bearer``; a token anywhere in the query string is refused
    even when the header is right, so that the client is fixed before the token leaks further."""
    params = request.query_params
    if "access_token" in params or any(
        api_tokens.contains_token(f"{name}={value}") for name, value in params.multi_items()
    ):
        raise _unauthorized(
            "invalid_request",
            _(
                "Skicka API-nyckeln i huvudet Authorization: Bearer, aldrig i adressen. En "
                "nyckel som har stått i en adress kan ha hamnat i loggar: be samordnaren "
                "återkalla den och utfärda en ny."
            ),
        )
    header = request.headers.get("authorization")
    if header is None:
        raise _unauthorized(
            None,
            _(
                "API-nyckel saknas. Skicka den i huvudet Authorization: Bearer följt av "
                "nyckeln, som samordnaren utfärdar."
            ),
        )
    scheme, _space, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized(
            "invalid_request",
            _("Huvudet Authorization ska vara Bearer följt av API-nyckeln."),
        )
    return token.strip()


def _limiter(request: Request) -> RateLimiter:
    """One limiter per application, shared by every API route (counted where the portal's
    limits are: in Redis, shared by every process, when PORTAL_REDIS_URL is set)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "api_limiter", None)
    if limiter is None:
        limits = portal_of(request).rate_limits
        limiter = state.api_limiter = limits.limiter("api", API_REQUESTS_PER_MINUTE, 60)
    return limiter
