"""Compressed responses: brotli where the client accepts it and the ``brotli`` package is
installed, otherwise gzip (Starlette's responder). The only module that compresses.

Server-sent events are never compressed (a compressor would hold events back), nor are
responses that already carry an encoding, partial responses or small bodies. HTML pages carry
the CSRF token masked afresh per response (web.masked_csrf_token), so a compressed page gives
no BREACH-style oracle for it.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.gzip import (
    DEFAULT_EXCLUDED_CONTENT_TYPES,
    GZipResponder,
    IdentityResponder,
)
from starlette.types import ASGIApp, Receive, Scope, Send

try:
    import brotli as _brotli  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - brotli is a dependency, but a platform may lack a wheel
    _brotli = None

MINIMUM_SIZE = 500
GZIP_LEVEL = 6  # zlib's default: level 9 costs twice the CPU for ~1 % fewer bytes on HTML
BROTLI_QUALITY = 4  # brotli's fast range: smaller than gzip -6, about as cheap to make
STREAM_WINDOW_BITS = 18  # 256 KiB for bodies sent in parts (files): brotli's default is 4 MiB


def _window_bits(size: int) -> int:
    """The smallest brotli window (2**bits bytes, 10 to 24) that holds ``size`` bytes."""
    return max(10, min(24, (size - 1).bit_length()))


def accepted(accept_encoding: str) -> str | None:
    """The encoding to use for this Accept-Encoding header (q=0 means "not this")."""
    offered: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            offered[name] = quality
    if _brotli is not None and offered.get("br", 0) > 0:
        return "br"
    if offered.get("gzip", 0) > 0:
        return "gzip"
    return None


class BrotliResponder(IdentityResponder):
    content_encoding = "br"

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        super().__init__(app, minimum_size, exclude_content_types=DEFAULT_EXCLUDED_CONTENT_TYPES)
        self._compressor: Any = None

    async def apply_compression(self, body: bytes, *, more_body: bool) -> bytes:
        assert _brotli is not None
        if self._compressor is None and not more_body:
            # The whole body at once (every page): a window the size of the body, not brotli's
            # default 4 MiB — per response, that allocation alone swelled the process under load.
            whole: bytes = _brotli.compress(
                body, quality=BROTLI_QUALITY, lgwin=_window_bits(len(body))
            )
            return whole
        if self._compressor is None:
            self._compressor = _brotli.Compressor(quality=BROTLI_QUALITY, lgwin=STREAM_WINDOW_BITS)
        compressed: bytes = self._compressor.process(body)
        tail: bytes = self._compressor.flush() if more_body else self._compressor.finish()
        return compressed + tail


class CompressionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = accepted(Headers(scope=scope).get("accept-encoding", ""))
        responder: ASGIApp
        if encoding == "br":
            responder = BrotliResponder(self.app, MINIMUM_SIZE)
        elif encoding == "gzip":
            responder = GZipResponder(self.app, MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
        else:
            responder = IdentityResponder(self.app, MINIMUM_SIZE)
        await responder(scope, receive, send)
