"""The htmx request and response headers we use, in one place."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and "hx-history-restore-request" not in (
        request.headers
    )


def target(request: Request) -> str | None:
    """The id of the element htmx will swap into, if this is an htmx request."""
    return request.headers.get("hx-target") if is_htmx(request) else None


def redirect(url: str) -> Response:
    """A full-page navigation from an htmx request (a 303 would be followed inside the swap)."""
    return Response(status_code=204, headers={"HX-Redirect": url})


def retarget(response: Response, selector: str, swap: str) -> Response:
    """``response`` swapped into ``selector`` in the way ``swap`` names, rather than where and
    how the element that sent the request asked (HX-Retarget, HX-Reswap)."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
