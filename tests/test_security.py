"""CSRF, allowed hosts, security headers and autoescaping on every response."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from partner_portal.platform import links
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.templating import create_environment
from tests.helpers import Persona, csrf_token, log_in

# --- CSRF ----------------------------------------------------------------------------------


async def test_an_unsafe_request_without_a_token_is_refused(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post("/auth/logout")

    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.text
    assert "Alice Andersson" in (await client.get("/")).text  # still logged in


async def test_a_wrong_token_is_refused(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post("/auth/logout", data={"csrf_token": "guessed"})

    assert response.status_code == 403


async def test_another_sessions_token_is_refused(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, bob: Persona
) -> None:
    await log_in(client, app, bob)
    bobs_token = await csrf_token(client, app)
    await log_in(client, app, alice)

    response = await client.post("/auth/logout", data={"csrf_token": bobs_token})

    assert response.status_code == 403


async def test_the_token_is_accepted_from_a_form_field_or_the_htmx_header(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)
    by_form = await client.post("/auth/logout", data={"csrf_token": await csrf_token(client, app)})
    await log_in(client, app, alice)
    by_header = await client.post(
        "/auth/logout", headers={"X-CSRF-Token": await csrf_token(client, app)}
    )

    assert by_form.status_code == 303
    assert by_header.status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
async def test_cross_site_requests_are_refused_even_with_the_token(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, headers: dict[str, str]
) -> None:
    await log_in(client, app, alice)
    token = await csrf_token(client, app)

    response = await client.post("/auth/logout", data={"csrf_token": token}, headers=headers)

    assert response.status_code == 403


async def test_a_same_origin_request_passes(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)
    token = await csrf_token(client, app)

    response = await client.post(
        "/auth/logout",
        data={"csrf_token": token},
        headers={"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 303


async def test_an_unsafe_request_without_a_session_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/", data={"csrf_token": "x"})

    assert response.status_code in (403, 405)


async def test_htmx_gets_the_refusal_in_the_live_region(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post("/auth/logout", headers={"HX-Request": "true"})

    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#meddelanden"
    assert 'role="alert"' in response.text
    assert "<html" not in response.text


# --- hosts and headers ---------------------------------------------------------------------


async def test_an_unknown_host_gets_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "Felaktig begäran" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_missing_or_garbled_host_gets_400(client: httpx.AsyncClient) -> None:
    for host in ("", "127.0.0.1:8000@evil.example", "[::1"):
        response = await client.get("/", headers={"Host": host})
        assert response.status_code == 400, host


@pytest.mark.parametrize("path", ["/", "/tillganglighet", "/finns-inte", "/static/css/portal.css"])
async def test_security_headers_on_every_response(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers  # http: no HSTS


async def test_https_adds_hsts(settings: object) -> None:
    from partner_portal.app import create_app
    from partner_portal.platform.settings import Settings, replace

    assert isinstance(settings, Settings)
    app = create_app(
        replace(
            settings, base_url="https://partner.botkyrka.se", allowed_hosts=("partner.botkyrka.se",)
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://partner.botkyrka.se") as c:
        response = await c.get("/")
    await app.state.portal.engine.dispose()

    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


async def test_pages_are_not_cached(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    for path in ("/", "/tillganglighet", "/finns-inte"):
        assert (await client.get(path)).headers["cache-control"] == "no-store", path


# --- templates -----------------------------------------------------------------------------


def test_every_template_escapes_html_whatever_its_extension() -> None:
    env = create_environment(resource_dir("templates"))
    hostile = "<script>alert(1)</script>"

    for name in ("x.html", "x.txt", "x.ics", "x"):
        rendered = env.from_string("{{ value }}", globals={"name": name}).render(value=hostile)
        assert rendered == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert env.autoescape is True


async def test_a_hostile_name_is_escaped_on_the_page(
    app: Starlette, client: httpx.AsyncClient, db: object
) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from tests.helpers import make_person

    assert isinstance(db, AsyncSession)
    mallory = await make_person(db, '<img src=x onerror="alert(1)">')
    await log_in(client, app, mallory)

    page = (await client.get("/")).text

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_templates_have_no_inline_scripts_or_event_handlers() -> None:
    import re

    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(path)
        for path in resource_dir("templates").rglob("*.html")
        if "provider" not in path.parts and pattern.search(path.read_text())
    ]

    assert offenders == []


def test_secret_tokens_are_made_and_hashed_in_one_place() -> None:
    """Every link sent by mail, session and API token comes from
    partner_portal/platform/links.py: 256 random bits, only the SHA-256 digest stored. No other
    module makes or hashes one itself."""
    package = Path(__file__).resolve().parents[1] / "partner_portal"
    elsewhere = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "links.py"
        and re.search(r"token_urlsafe\((?!48\))|sha256\(token", path.read_text(encoding="utf-8"))
    ]

    assert elsewhere == []  # (settings.py suggests and generates the 48-byte secret key)


def test_a_token_is_plausible_only_if_it_could_be_one_of_ours() -> None:
    assert links.plausible(links.new_token())
    assert links.plausible("pp_" + links.new_token())
    assert not links.plausible("")
    assert not links.plausible(None)
    assert not links.plausible("x" * 101)
    assert not links.plausible("abc def")
    assert not links.plausible("abc%00")
    assert links.digest("abc") != links.digest("abd")
    assert len(links.digest(links.new_token())) == 64
