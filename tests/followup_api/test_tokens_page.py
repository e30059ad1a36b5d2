"""The coordinator issues, lists and revokes API tokens; nobody else sees the page."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import Person, PortalRole, RoleGrant
from partner_portal.followup import api_tokens
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.platform.errors import NotFound
from tests.followup_api.conftest import bearer, issue_token
from tests.helpers import Persona, as_current, csrf_token, log_in, make_person

PAGE = "/uppfoljning/api-nycklar"
# A token standing on its own: not "pp_" met by chance inside a longer base64 string, such as
# the page's masked CSRF tokens (one page in a few thousand has one).
TOKEN = re.compile(r"(?<![A-Za-z0-9_-])pp_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


async def issue(
    client: httpx.AsyncClient, app: Starlette, person_id: int | str, name: str
) -> httpx.Response:
    return await client.post(
        PAGE,
        data={
            "person": str(person_id),
            "name": name,
            "csrf_token": await csrf_token(client, app),
        },
    )


async def rows(db: AsyncSession) -> list[ApiToken]:
    await db.rollback()
    return list((await db.scalars(sa.select(ApiToken).order_by(col(ApiToken.id)))).all())


async def test_the_token_is_shown_once_and_stored_only_as_a_hash(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    await log_in(client, app, alice)

    response = await issue(client, app, dora.id, "Kommunens rapportverktyg")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    [token] = TOKEN.findall(response.text)
    assert "visas bara nu, en enda gång" in response.text
    assert "förvara den säkert" in response.text
    [row] = await rows(db)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.name, row.person_id, row.created_by) == (
        "Kommunens rapportverktyg",
        dora.id,
        alice.id,
    )
    assert row.revoked_at is None
    assert row.last_used_at is None
    # Nowhere else either: not in the audit log, not on the page a second time.
    event = await db.scalar(sa.select(AuditEvent).order_by(col(AuditEvent.id).desc()))
    assert event is not None
    assert event.action == "api_token_issued"
    assert event.actor_person_id == alice.id
    assert event.details == {"name": "Kommunens rapportverktyg", "person_id": dora.id}
    assert token not in str(event.details)
    again = (await client.get(PAGE)).text
    assert token not in again
    assert TOKEN.search(again) is None
    assert "Kommunens rapportverktyg" in again
    assert "Dora Dahlberg" in again
    # And it works.
    assert (await client.get("/api/v1/matrix", headers=bearer(token))).status_code == 200


async def test_the_list_shows_each_token_and_whether_it_works(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    token = await issue_token(db, alice, dora, "Används")
    await issue_token(db, alice, dora, "Oanvänd")
    await client.get("/api/v1/matrix", headers=bearer(token))
    await log_in(client, app, alice)

    page = (await client.get(PAGE)).text

    assert page.count("Gäller</span>") == 2
    assert page.count("Aldrig") == 1  # the unused one; the other has a time of last use
    assert "av Alice Andersson" in page
    assert "dora@example.se" in page


async def test_a_token_whose_person_lost_the_role_is_marked(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    await issue_token(db, alice, dora)
    await db.execute(sa.delete(RoleGrant).where(col(RoleGrant.person_id) == dora.id))
    await db.commit()
    await log_in(client, app, alice)

    page = (await client.get(PAGE)).text

    assert "Gäller inte" in page
    assert "har inte längre rollen" in page
    assert "Det finns ingen läsare för uppföljning ännu." in page


async def test_the_coordinator_revokes_a_token(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    token = await issue_token(db, alice, dora)
    [row] = await rows(db)
    await log_in(client, app, alice)

    refused = await client.post(f"{PAGE}/{row.id}/aterkalla")
    response = await client.post(
        f"{PAGE}/{row.id}/aterkalla",
        data={"csrf_token": await csrf_token(client, app), "bekraftat": "ja"},
    )
    twice = await client.post(
        f"{PAGE}/{row.id}/aterkalla", data={"csrf_token": await csrf_token(client, app)}
    )

    assert refused.status_code == 403  # CSRF, as everywhere
    assert (response.status_code, response.headers["location"]) == (303, PAGE)
    assert twice.status_code == 303
    [row] = await rows(db)
    assert row.revoked_at is not None
    assert row.revoked_by == alice.id
    actions = list(await db.scalars(sa.select(col(AuditEvent.action)).order_by(col(AuditEvent.id))))
    assert actions.count(AuditAction.API_TOKEN_REVOKED) == 1  # the second click changed nothing
    assert (await client.get("/api/v1/matrix", headers=bearer(token))).status_code == 401
    page = (await client.get(PAGE)).text
    assert "Återkallad" in page
    assert "aterkalla" not in page  # nothing left to revoke
    log = (await client.get("/logg")).text
    assert "API-nyckel utfärdad" in log
    assert "API-nyckel återkallad" in log


async def test_a_token_goes_only_to_an_active_follow_up_reader(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    dora: Persona,
) -> None:
    former = await make_person(db, "Frida Förra", roles=(PortalRole.FOLLOWUP_READER,), active=False)
    db.add(RoleGrant(role=PortalRole.FOLLOWUP_READER, email="kommande@botkyrka.se"))
    await db.commit()
    await log_in(client, app, alice)

    page = (await client.get(PAGE)).text
    refused = [await issue(client, app, p, "Verktyg") for p in (bob.id, alice.id, former.id)]
    refused += [await issue(client, app, "", "Verktyg"), await issue(client, app, "x", "V")]

    assert f'<option value="{dora.id}">Dora Dahlberg (dora@example.se)</option>' in page
    assert "Bob Bergström" not in page
    assert "Frida Förra" not in page
    assert "kommande@botkyrka.se" not in page
    for response in refused:
        assert response.status_code == 400
        assert "Välj en läsare för uppföljning." in response.text
        assert TOKEN.search(response.text) is None
    assert await rows(db) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Ge nyckeln ett namn"), ("   ", "Ge nyckeln ett namn"), ("x" * 101, "högst 100")],
)
async def test_a_token_needs_a_name(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    dora: Persona,
    name: str,
    message: str,
) -> None:
    await log_in(client, app, alice)

    response = await issue(client, app, dora.id, name)

    assert response.status_code == 400
    assert message in response.text
    assert await rows(db) == []


async def test_only_coordinators_reach_the_page(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    dora: Persona,
) -> None:
    await issue_token(db, alice, dora)
    [row] = await rows(db)
    for persona in (bob, dora):
        await log_in(client, app, persona)
        token = await csrf_token(client, app)

        assert (await client.get(PAGE)).status_code == 404
        issued = await client.post(
            PAGE, data={"person": str(dora.id), "name": "Mitt", "csrf_token": token}
        )
        revoked = await client.post(f"{PAGE}/{row.id}/aterkalla", data={"csrf_token": token})
        assert (issued.status_code, revoked.status_code) == (404, 404)
        assert "API-nycklar" not in (await client.get("/")).text  # no link in the menu

    [row] = await rows(db)
    assert row.revoked_at is None
    assert len(await rows(db)) == 1


async def test_anonymous_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    response = await client.get(PAGE)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/login")


async def test_the_coordinator_finds_the_page_in_the_menu(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    page = (await client.get("/")).text

    assert f'href="{PAGE}"' in page


async def test_the_services_refuse_non_coordinators(
    db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    await issue_token(db, alice, dora)
    [row] = await rows(db)
    assert row.id is not None

    with pytest.raises(NotFound):
        await api_tokens.issue(db, actor=as_current(dora), person_id=dora.id, name="Eget")
    with pytest.raises(NotFound):
        await api_tokens.revoke(db, actor=as_current(dora), token_id=row.id)
    with pytest.raises(NotFound):
        await api_tokens.revoke(db, actor=as_current(alice, coordinator=True), token_id=999)


async def test_a_deactivated_reader_is_not_offered(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, dora: Persona
) -> None:
    await db.execute(sa.update(Person).where(col(Person.id) == dora.id).values(is_active=False))
    await db.commit()
    await log_in(client, app, alice)

    response = await issue(client, app, dora.id, "Verktyg")

    assert response.status_code == 400
    assert "Dora Dahlberg" not in (await client.get(PAGE)).text
