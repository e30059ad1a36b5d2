"""Pages, styles and scripts travel compressed; live events never; the CSRF token never repeats."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from partner_portal.platform.compression import CompressionMiddleware, _window_bits, accepted
from partner_portal.web import csrf_matches, masked_csrf_token
from tests.helpers import Persona, log_in

PAGE = "<!doctype html><p>" + "Nödvatten i Botkyrka. " * 100 + "</p>"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("br, gzip, deflate", "br"),
        ("gzip, deflate, br;q=0", "gzip"),
        ("gzip;q=0.5", "gzip"),
        ("BR", "br"),
        ("identity", None),
        ("gzip;q=0, br;q=0", None),
        ("gzip;q=nonsense", None),
        ("", None),
    ],
)
def test_the_encoding_follows_what_the_client_accepts(header: str, expected: str | None) -> None:
    assert accepted(header) == expected


def _small_app() -> Starlette:
    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def tiny(request: Request) -> Response:
        return HTMLResponse("<p>kort</p>")

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            for number in range(3):
                yield f"data: {'x' * 400} {number}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    app = Starlette(routes=[Route("/page", page), Route("/tiny", tiny), Route("/events", events)])
    return CompressionMiddleware(app)  # type: ignore[return-value]


async def _get(path: str, encoding: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_small_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers={"accept-encoding": encoding})


async def test_brotli_where_accepted_and_gzip_otherwise() -> None:
    as_br = await _get("/page", "gzip, br")
    assert as_br.headers["content-encoding"] == "br"
    assert as_br.text == PAGE  # httpx undoes br (with the brotli package) and gzip
    assert "accept-encoding" in as_br.headers["vary"].lower()

    as_gzip = await _get("/page", "gzip")
    assert as_gzip.headers["content-encoding"] == "gzip"
    assert as_gzip.text == PAGE

    plain = await _get("/page", "identity")
    assert "content-encoding" not in plain.headers
    assert plain.text == PAGE
    assert "accept-encoding" in plain.headers["vary"].lower()


async def test_small_bodies_and_live_events_are_never_compressed() -> None:
    assert "content-encoding" not in (await _get("/tiny", "br")).headers
    events = await _get("/events", "br, gzip")
    assert "content-encoding" not in events.headers
    assert events.text.count("data: ") == 3


async def test_the_portal_compresses_its_pages_and_styles(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)
    page = await client.get("/organisationer", headers={"accept-encoding": "br"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "br"
    assert "<html" in page.text  # httpx decodes br with the brotli package installed
    assert int(page.headers["content-length"]) < len(page.text.encode()) / 2

    stylesheet = re.search(r'href="(/static/css/portal\.css\?v=[^"]+)"', page.text)
    assert stylesheet
    css = await client.get(stylesheet[1], headers={"accept-encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"
    assert "immutable" in css.headers["cache-control"]


async def test_each_page_carries_a_fresh_mask_of_the_csrf_token_and_each_mask_works(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    token = await log_in(client, app, alice)
    masks = []
    for _ in range(2):
        page = await client.get("/organisationer", headers={"accept-encoding": "br"})
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found
        masks.append(found[1])
    assert masks[0] != masks[1]
    assert token not in page.text

    forged = masks[0][:-4] + ("AAAA" if not masks[0].endswith("AAAA") else "BBBB")
    for refused in (forged, "", "é" * 116, masks[0][:-1]):
        response = await client.post("/auth/logout", data={"csrf_token": refused})
        assert response.status_code == 403

    response = await client.post("/auth/logout", data={"csrf_token": masks[0]})
    assert response.status_code in (302, 303), response.text


def test_every_mask_of_a_token_matches_it_and_nothing_else_does() -> None:
    token = secrets.token_urlsafe(32)
    masks = {masked_csrf_token(token) for _ in range(20)}
    assert len(masks) == 20
    assert all(csrf_matches(mask, token) for mask in masks)
    assert csrf_matches(token, token)
    other = secrets.token_urlsafe(32)
    assert not any(csrf_matches(mask, other) for mask in masks)


@pytest.mark.parametrize(
    ("size", "bits"), [(1, 10), (1024, 10), (1025, 11), (200_000, 18), (50_000_000, 24)]
)
def test_a_whole_body_is_compressed_with_a_window_its_own_size(size: int, bits: int) -> None:
    # brotli's default window is 4 MiB per response: under load that swelled the process.
    assert _window_bits(size) == bits
