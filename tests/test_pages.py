"""The start page, the accessibility statement, languages and error pages."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.responses import Response

from partner_portal.auth.access import PUBLIC
from partner_portal.auth.models import PortalRole
from partner_portal.pages.views import (
    ACCESSIBILITY_ASSESSED_ON,
    ACCESSIBILITY_STATEMENT_UPDATED_ON,
)
from partner_portal.platform import clock
from partner_portal.platform.i18n import format_date
from partner_portal.web import Ctx, route
from tests.helpers import BASE_URL, Persona, log_in, make_person


async def test_the_start_page_invites_an_anonymous_visitor_to_log_in(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text

    assert "<h1>Välkommen till Partnerportalen</h1>" in page
    assert 'href="/auth/login"' in page
    assert "Logga ut" not in page


async def test_the_start_page_shows_who_is_logged_in(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    page = (await client.get("/")).text

    assert "<h1>Välkommen, Alice Andersson</h1>" in page
    assert "alice@example.se" in page
    assert "Samordnare" in page
    assert 'action="/auth/logout"' in page
    assert 'name="csrf_token"' in page


async def test_a_person_without_roles_is_told_how_access_comes(
    app: Starlette, client: httpx.AsyncClient, charlie: Persona
) -> None:
    await log_in(client, app, charlie)

    assert "Du får tillgång när en organisation bjuder in dig" in (await client.get("/")).text


async def test_every_page_has_landmarks_a_skip_link_and_swedish_as_its_language(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/", "/tillganglighet", "/finns-inte"):
        page = (await client.get(path)).text
        assert '<html lang="sv">' in page
        assert '<a class="skip-link" href="#main">Hoppa till huvudinnehållet</a>' in page
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in page, (path, landmark)
        assert 'role="status" aria-live="polite"' in page


async def test_the_accessibility_statement_says_how_to_report_a_problem(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/tillganglighet")).text

    assert "<h1>Tillgänglighetsredogörelse för Partnerportalen</h1>" in page
    assert "Rapportera brister i portalens tillgänglighet" in page
    assert "mailto:kommun@botkyrka.se" in page
    assert "Digg" in page
    assert "2018:1937" in page


async def test_the_accessibility_statement_lists_what_is_known_not_to_comply(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    page = (await client.get("/tillganglighet")).text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    settings = app.state.portal.settings

    # DIGG's model: partly compliant, because of the problems listed, each with its criterion.
    assert "Portalen är delvis förenlig med lagen" in text
    assert "helt förenlig" not in text
    assert "inte till några brister" not in text
    for heading in (
        "Innehåll som inte är tillgängligt",
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagstiftningen",
        "Hur vi testat portalen",
    ):
        assert heading in text, heading
    assert "som PDF är inte taggad" not in text
    assert "taggade enligt PDF/UA-1" in text
    # The session limits stated are the ones this portal runs with.
    assert (
        f"Du loggas ut efter {settings.session_idle_minutes} minuter utan aktivitet, "
        f"och alltid efter {settings.session_max_hours} timmar"
    ) in text
    assert "2.2.1 (Justerbar tidsgräns)" in text
    assert "2.2.2 (Pausa, stoppa, dölja)" in text
    assert f"Senaste bedömningen gjordes den {format_date(ACCESSIBILITY_ASSESSED_ON)}." in text
    assert (
        f"Redogörelsen uppdaterades senast den {format_date(ACCESSIBILITY_STATEMENT_UPDATED_ON)}."
    ) in text
    assert ACCESSIBILITY_ASSESSED_ON <= ACCESSIBILITY_STATEMENT_UPDATED_ON


async def test_the_board_reports_pdf_is_tagged_as_the_statement_says(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """The statement says the PDFs are tagged (PDF/UA-1) with full Unicode: the board report's
    has a structure tree and its language; should that change, put it back in the statement."""
    reader = await make_person(db, "Rita Läsare", roles=(PortalRole.FOLLOWUP_READER,))
    await log_in(client, app, reader)
    today = clock.today()

    pdf = await client.get(
        "/uppfoljning/rapport.pdf",
        params={"fran": (today - timedelta(days=90)).isoformat(), "till": today.isoformat()},
    )

    assert pdf.headers["content-type"] == "application/pdf"
    root: Any = PdfReader(io.BytesIO(pdf.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert "taggade enligt PDF/UA-1" in (await client.get("/tillganglighet")).text


async def test_english_is_available_and_remembered(client: httpx.AsyncClient) -> None:
    choice = await client.get("/sprak/en", params={"next": "/tillganglighet"})

    assert (choice.status_code, choice.headers["location"]) == (303, "/tillganglighet")
    page = (await client.get("/tillganglighet")).text
    assert '<html lang="en">' in page
    assert "Accessibility statement for the Partner Portal" in page
    assert 'href="/sprak/sv?next=%2Ftillganglighet"' in page
    await client.get("/sprak/sv")
    assert '<html lang="sv">' in (await client.get("/")).text


async def test_an_unknown_language_is_refused_in_words(client: httpx.AsyncClient) -> None:
    response = await client.get("/sprak/fi")

    assert response.status_code == 400
    assert "Det språket finns inte i portalen. Välj svenska eller engelska." in response.text
    assert "pp_lang" not in response.headers.get("set-cookie", "")


async def test_the_language_choice_only_returns_to_this_site(client: httpx.AsyncClient) -> None:
    response = await client.get("/sprak/en", params={"next": "https://evil.example/"})

    assert response.headers["location"] == "/"


async def test_a_missing_page_is_a_404_in_the_portals_look(
    app: Starlette, client: httpx.AsyncClient, bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.get("/finns/inte")

    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in response.text
    assert "Bob Bergström" in response.text  # still shows who is logged in


async def test_a_wrong_method_is_a_405_in_the_portals_look(client: httpx.AsyncClient) -> None:
    response = await client.delete("/tillganglighet")

    assert response.status_code == 405
    assert "Sidan kan inte användas på det sättet." in response.text


async def test_a_coordinator_only_page_is_a_404_for_others(
    app: Starlette, client: httpx.AsyncClient, bob: Persona
) -> None:
    from partner_portal.auth.access import COORDINATOR

    async def secret(ctx: Ctx) -> Response:
        return Response("hemligt")

    app.router.routes.insert(0, route("/samordning", secret, name="x", access=COORDINATOR))
    anonymous = await client.get("/samordning")
    await log_in(client, app, bob)
    partner = await client.get("/samordning")

    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/auth/login?next=%2Fsamordning"
    assert partner.status_code == 404
    assert "hemligt" not in partner.text


async def test_a_403_page_is_in_the_portals_look(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post("/auth/logout")

    assert response.status_code == 403
    assert "<h1>Formuläret kunde inte skickas</h1>" in response.text
    assert "Alice Andersson" in response.text


async def test_an_unexpected_error_is_a_500_page_without_a_traceback(app: Starlette) -> None:
    async def broken(ctx: Ctx) -> Response:
        raise RuntimeError("secret internals")

    app.router.routes.insert(0, route("/trasig", broken, name="broken", access=PUBLIC))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/trasig")

    assert response.status_code == 500
    assert "<h1>Något gick fel</h1>" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/", "/tillganglighet"])
async def test_pages_render_for_htmx_too(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"HX-Request": "true"})

    assert response.status_code == 200
