"""ASGI middleware: trusted proxies, allowed hosts, the reader's language, and security headers on
every response. The one module that uses uvicorn's proxy-header middleware."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from partner_portal.platform import i18n
from partner_portal.platform.settings import Settings

# Probes from a load balancer or orchestrator may use an address as Host; they reveal nothing.
_HOST_CHECK_EXEMPT = frozenset({"/healthz", "/readyz"})


class TrustedProxiesMiddleware:
    """The client's address and scheme as a trusted reverse proxy forwarded them.

    Only when the peer is one of ``PORTAL_TRUSTED_PROXIES`` (addresses or CIDR networks) are its
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed: the client is then the right-most
    address in ``X-Forwarded-For`` that is not itself a trusted proxy (what a client wrote to
    the left of that is ignored), and the scheme the forwarded one. From any other peer, and
    with the setting empty, both headers are ignored. uvicorn's ProxyHeadersMiddleware does the
    work; it runs here, in the application, whatever server runs it (and `serve` turns
    uvicorn's own copy of it off, so this setting alone decides)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        trusted = list(settings.trusted_proxies)
        # uvicorn annotates ASGI apps with its own (equivalent) protocol types.
        self.proxied = (
            ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
            if trusted
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.proxied is None:
            await self.app(scope, receive, send)
            return
        await self.proxied(scope, receive, send)  # type: ignore[arg-type]


class AllowedHostsMiddleware:
    """An unknown Host header gets 400 before anything else runs."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.allowed = frozenset(settings.allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _HOST_CHECK_EXEMPT:
            await self.app(scope, receive, send)
            return
        hostname = _hostname(Headers(scope=scope).get("host", ""))
        if hostname is None or hostname not in self.allowed:
            body = (
                '<!doctype html><html lang="sv"><meta charset="utf-8">'
                "<title>Felaktig begäran – Partnerportalen</title>"
                "<h1>Felaktig begäran</h1><p>Adressen som begäran skickades till tillhör "
                "inte Partnerportalen.</p></html>"
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        *_security_headers(None, https=False),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def _hostname(host: str) -> str | None:
    if not host or "@" in host:
        return None
    try:
        hostname = urlsplit(f"//{host}").hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    return hostname.lower() if hostname else None


class LanguageMiddleware:
    """Sets the language of this request from the reader's choice (a cookie); Swedish otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie()
        try:
            cookie.load(Headers(scope=scope).get("cookie", ""))
        except Exception:
            cookie = SimpleCookie()
        morsel = cookie.get(i18n.LANGUAGE_COOKIE)
        token = i18n.current_language.set(
            i18n.language_from_cookie(morsel.value if morsel else None)
        )
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.current_language.reset(token)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name.decode() not in headers:
                        headers.append(name.decode(), value.decode())
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    return _security_headers(settings.oidc_issuer or None, https=settings.https)


def _security_headers(issuer: str | None, *, https: bool) -> list[tuple[bytes, bytes]]:
    # Logout is a form POST answered by a redirect to the provider's end-session endpoint;
    # browsers apply form-action to that redirect, so the provider's origin is allowed there.
    form_action = "'self'"
    if issuer:
        parts = urlsplit(issuer)
        form_action += f" {parts.scheme}://{parts.netloc}"
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            f"form-action {form_action}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )
    headers = [
        ("content-security-policy", csp),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if https:
        headers.append(("strict-transport-security", "max-age=63072000; includeSubDomains"))
    return [(k.encode(), v.encode()) for k, v in headers]
