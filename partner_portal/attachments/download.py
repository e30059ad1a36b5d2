"""A stored file sent to the client as a download, read from the store in parts as it is sent
(whichever store: never the whole file in memory), then closed — also when the client goes away.

The headers are those Starlette's FileResponse gives a file on disk (the same Content-Disposition
encoding of the name), without byte ranges: Content-Type, Content-Length, Last-Modified,
``Content-Disposition: attachment`` and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

from email.utils import formatdate
from urllib.parse import quote

import anyio.to_thread
from anyio import CancelScope
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from partner_portal.attachments.storage import CHUNK, StoredFile


def content_disposition(filename: str) -> str:
    """As FileResponse writes it: the plain name when it needs no quoting, else RFC 5987."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


class StoredFileResponse(Response):
    def __init__(self, stored: StoredFile, *, media_type: str, filename: str) -> None:
        self.stored = stored
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        self.init_headers(
            {
                "content-length": str(stored.size),
                "last-modified": formatdate(stored.modified, usegmt=True),
                "content-disposition": content_disposition(filename),
                "x-content-type-options": "nosniff",
            }
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            if scope["method"].upper() == "HEAD":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            remaining = self.stored.size
            while True:
                chunk = await anyio.to_thread.run_sync(self.stored.read, min(CHUNK, remaining))
                remaining -= len(chunk)
                if remaining and not chunk:
                    raise OSError(f"the stored file ended {remaining} bytes short of its size")
                await send(
                    {"type": "http.response.body", "body": chunk, "more_body": remaining > 0}
                )
                if not remaining:
                    break
        finally:
            with CancelScope(shield=True):  # the file or the connection to the store
                await anyio.to_thread.run_sync(self.stored.close)
