"""Who the API answers: a working token of a follow-up reader, and nothing and nobody else."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth import roles
from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.followup import api_tokens
from partner_portal.followup.api import API_REQUESTS_PER_MINUTE
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.platform import clock
from tests.followup_api.conftest import bearer, issue_token
from tests.helpers import Persona, as_current, log_in, make_person

MATRIX = "/api/v1/matrix"


def assert_refused(response: httpx.Response, error: str) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="Partnerportalen"')
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == error
    assert response.json()["message"]  # in Swedish, for the person setting up the tool


async def test_a_working_token_reads_the_follow_up(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(MATRIX, headers=bearer(token))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["processes"]


async def test_without_a_token_the_answer_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get(MATRIX)

    assert_refused(response, "missing_token")
    assert response.headers["www-authenticate"] == 'Bearer realm="Partnerportalen"'
    assert "API-nyckel saknas" in response.json()["message"]


@pytest.mark.parametrize(
    "header",
    ["Basic YWxpY2U6aGVtbGln", "Bearer", "Bearer ", "pp_abc", "Token pp_abc"],
)
async def test_a_malformed_authorization_header_is_401(
    client: httpx.AsyncClient, token: str, header: str
) -> None:
    response = await client.get(MATRIX, headers={"Authorization": header})

    assert_refused(response, "invalid_request")


async def test_an_unknown_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    for unknown in ("pp_" + "A" * 43, "nonsense", token + "x", token.upper()):
        response = await client.get(MATRIX, headers=bearer(unknown))
        assert_refused(response, "invalid_token")
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_the_scheme_is_case_insensitive(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(MATRIX, headers={"Authorization": f"bearer {token}"})

    assert response.status_code == 200


async def test_a_revoked_token_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, alice: Persona, token: str
) -> None:
    assert (await client.get(MATRIX, headers=bearer(token))).status_code == 200
    [token_id] = (await db.scalars(sa.select(col(ApiToken.id)))).all()
    assert token_id is not None

    await api_tokens.revoke(db, actor=as_current(alice, coordinator=True), token_id=token_id)

    assert_refused(await client.get(MATRIX, headers=bearer(token)), "invalid_token")


async def test_taking_the_follow_up_role_away_stops_the_token(
    client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona, token: str
) -> None:
    grant_id = await db.scalar(
        sa.select(col(RoleGrant.id)).where(col(RoleGrant.person_id) == dora.id)
    )
    assert grant_id is not None

    await roles.revoke(db, actor=as_current(alice, coordinator=True), grant_id=grant_id)

    assert_refused(await client.get(MATRIX, headers=bearer(token)), "invalid_token")


async def test_a_coordinator_role_keeps_the_token_working(
    client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona, token: str
) -> None:
    """Coordinators may read the follow-up too: a reader who becomes one keeps the token."""
    grant = await db.scalar(sa.select(RoleGrant).where(col(RoleGrant.person_id) == dora.id))
    assert grant is not None
    grant.role = PortalRole.COORDINATOR
    await db.commit()

    assert (await client.get(MATRIX, headers=bearer(token))).status_code == 200


async def test_deactivating_the_person_stops_the_token(
    client: httpx.AsyncClient, db: AsyncSession, dora: Persona, token: str
) -> None:
    await db.execute(sa.update(Person).where(col(Person.id) == dora.id).values(is_active=False))
    await db.commit()

    assert_refused(await client.get(MATRIX, headers=bearer(token)), "invalid_token")


@pytest.mark.parametrize("name", ["access_token", "token", "from", "nyckel"])
async def test_a_token_in_the_query_string_is_refused_even_with_the_header(
    client: httpx.AsyncClient, token: str, name: str
) -> None:
    response = await client.get(MATRIX, params={name: token}, headers=bearer(token))

    assert_refused(response, "invalid_request")
    assert "aldrig i adressen" in response.json()["message"]


async def test_a_token_in_the_query_string_alone_is_refused(
    client: httpx.AsyncClient, token: str
) -> None:
    response = await client.get(MATRIX, params={"access_token": token})

    assert_refused(response, "invalid_request")


async def test_a_login_session_does_not_open_the_api(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, dora: Persona
) -> None:
    """The browser's cookie is ambient: were it enough, any site could read the API through a
    logged-in coordinator's browser. Only the bearer token counts."""
    for person in (alice, dora):
        await log_in(client, app, person)
        for path in ("/api/v1/matrix", "/api/v1/evidence", "/api/v1/organisations"):
            assert_refused(await client.get(path), "missing_token")


@pytest.mark.parametrize(
    "path",
    [
        "/uppfoljning",
        "/uppfoljning/api-nycklar",
        "/organisationer",
        "/roller",
        "/logg",
        "/rum",
        "/inbjudningar",
    ],
)
async def test_a_token_opens_no_page_of_the_portal(
    client: httpx.AsyncClient, token: str, path: str
) -> None:
    response = await client.get(path, headers=bearer(token))

    # As for anyone not logged in: to the login (or 404 where the page is not there at all).
    assert response.status_code in (303, 404)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/auth/login")


async def test_a_token_changes_nothing_through_a_form(
    client: httpx.AsyncClient, db: AsyncSession, token: str
) -> None:
    response = await client.post(
        "/roller",
        headers=bearer(token),
        data={"email": "mallory@example.se", "role": "coordinator"},
    )

    assert response.status_code == 303  # to the login
    assert (
        await db.scalar(
            sa.select(col(RoleGrant.id)).where(col(RoleGrant.email) == "mallory@example.se")
        )
        is None
    )


async def test_the_api_answers_only_get(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post(MATRIX, headers=bearer(token))

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["error"] == "method_not_allowed"


async def test_an_unknown_api_address_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/finns-inte")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "openapi.json" in response.json()["message"]


async def test_the_description_is_public(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["servers"] == [{"url": "http://127.0.0.1:8000/api/v1"}]


async def test_each_token_may_make_a_limited_number_of_calls_a_minute(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    token, other = await issue_token(db, alice, dora), await issue_token(db, alice, dora, "Två")
    for _ in range(API_REQUESTS_PER_MINUTE):
        assert (await client.get(MATRIX, headers=bearer(token))).status_code == 200

    response = await client.get(MATRIX, headers=bearer(token))

    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert "För många anrop" in response.json()["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 61
    assert response.headers["cache-control"] == "no-store"
    assert (await client.get(MATRIX, headers=bearer(other))).status_code == 200


async def test_use_is_recorded_at_most_once_a_minute(
    db: AsyncSession, dora: Persona, token: str
) -> None:
    first = clock.now()
    assert await api_tokens.authenticate(db, token, now=first) is not None
    assert await api_tokens.authenticate(db, token, now=first + timedelta(seconds=30))
    assert await db.scalar(sa.select(col(ApiToken.last_used_at))) == first

    later = first + timedelta(seconds=61)
    reader = await api_tokens.authenticate(db, token, now=later)

    assert await db.scalar(sa.select(col(ApiToken.last_used_at))) == later
    assert reader is not None
    assert (reader.person_id, reader.person_name) == (dora.id, dora.name)


async def test_another_readers_token_is_theirs(
    client: httpx.AsyncClient, db: AsyncSession, alice: Persona, token: str
) -> None:
    erik = await make_person(db, "Erik Öberg", roles=(PortalRole.FOLLOWUP_READER,))
    eriks = await issue_token(db, alice, erik)
    await db.execute(sa.update(Person).where(col(Person.id) == erik.id).values(is_active=False))
    await db.commit()

    assert (await client.get(MATRIX, headers=bearer(token))).status_code == 200
    assert_refused(await client.get(MATRIX, headers=bearer(eriks)), "invalid_token")
