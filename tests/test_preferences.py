"""Each person's language: chosen with the language link or on "Mina inställningar", stored,
and followed by their pages when no cookie says otherwise (their mail follows it too: see
tests/meetings/test_mail_language.py)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.auth.models import Person
from partner_portal.platform.i18n import LANGUAGE_COOKIE
from tests.helpers import Persona, csrf_token, log_in


async def language_of(db: AsyncSession, persona: Persona) -> str:
    await db.rollback()
    person = await db.get(Person, persona.id)
    assert person is not None
    return person.language


async def save(
    client: httpx.AsyncClient, app: Starlette, language: str, *, token: str | None = None
) -> httpx.Response:
    return await client.post(
        "/installningar",
        data={"language": language, "csrf_token": token or await csrf_token(client, app)},
    )


async def test_a_new_person_reads_swedish(db: AsyncSession, bob: Persona) -> None:
    assert await language_of(db, bob) == "sv"


async def test_choosing_a_language_while_logged_in_stores_it_and_the_pages_follow_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    await log_in(client, app, bob)

    choice = await client.get("/sprak/en", params={"next": "/installningar"})

    assert (choice.status_code, choice.headers["location"]) == (303, "/installningar")
    assert await language_of(db, bob) == "en"
    client.cookies.delete(LANGUAGE_COOKIE)  # another browser: no cookie, the stored choice
    page = (await client.get("/installningar")).text
    assert '<html lang="en">' in page
    assert "My settings" in page
    assert 'value="en" checked' in page
    client.cookies.set(LANGUAGE_COOKIE, "sv")  # a cookie says otherwise: it wins
    assert '<html lang="sv">' in (await client.get("/")).text


async def test_a_language_link_on_another_site_does_not_change_the_stored_choice(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    await log_in(client, app, bob)

    followed = await client.get("/sprak/en", headers={"Sec-Fetch-Site": "cross-site"})

    assert followed.status_code == 303
    assert f"{LANGUAGE_COOKIE}=en" in followed.headers["set-cookie"]  # this browser only
    assert await language_of(db, bob) == "sv"
    await client.get("/sprak/en", headers={"Sec-Fetch-Site": "same-origin"})
    assert await language_of(db, bob) == "en"


async def test_choosing_a_language_without_logging_in_stores_nothing(
    client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    assert (await client.get("/sprak/en")).status_code == 303
    assert await language_of(db, bob) == "sv"


async def test_an_unknown_language_link_changes_nothing(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.get("/sprak/de")

    assert response.status_code == 400
    assert "Det språket finns inte i portalen. Välj svenska eller engelska." in response.text
    assert await language_of(db, bob) == "sv"


async def test_the_settings_page_shows_and_changes_the_language(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    await log_in(client, app, bob)
    page = (await client.get("/installningar")).text
    assert "<h1>Mina inställningar</h1>" in page
    assert "<legend" in page
    assert "Språk" in page
    assert 'value="sv" checked' in page
    assert (
        '<label class="radio-button__label" for="f-language-en" lang="en">English</label>' in page
    )

    saved = await save(client, app, "en")

    assert (saved.status_code, saved.headers["location"]) == (303, "/installningar?sparat=1")
    assert await language_of(db, bob) == "en"
    assert f"{LANGUAGE_COOKIE}=en" in saved.headers["set-cookie"]  # this browser follows at once
    after = (await client.get(saved.headers["location"])).text
    assert '<html lang="en">' in after
    assert "Your settings have been saved." in after


async def test_a_bad_language_is_refused_in_swedish_and_nothing_is_saved(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    await log_in(client, app, bob)

    refused = await save(client, app, "klingon")

    assert refused.status_code == 400
    assert "Välj svenska eller engelska." in refused.text
    assert 'href="#f-language"' in refused.text  # the error summary leads to the choice
    assert 'id="f-language"' in refused.text
    assert "set-cookie" not in refused.headers
    assert await language_of(db, bob) == "sv"


async def test_the_settings_need_a_login_and_the_csrf_token(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    anonymous = await client.get("/installningar")
    assert anonymous.status_code in (302, 303, 401)

    await log_in(client, app, bob)
    forged = await save(client, app, "en", token="not-the-token")

    assert forged.status_code == 403
    assert await language_of(db, bob) == "sv"
