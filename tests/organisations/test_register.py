"""The coordinator's organisation register."""

from __future__ import annotations

import re

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.organisations.models import MembershipRole, Organisation, OrganisationKind
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter

VALID = {
    "name": "AB Botkyrkabyggen",
    "kind": "kommunalt_bolag",
    "org_number": "212000-0142",
    "contact_email": "Info@Botkyrkabyggen.se",
}


async def post_form(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, str]
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf_token(client, app)})


async def organisations(db: AsyncSession) -> list[Organisation]:
    await db.rollback()
    return list(await db.scalars(sa.select(Organisation).order_by(col(Organisation.id))))


async def test_the_coordinator_registers_an_organisation(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await post_form(client, app, "/organisationer/ny", VALID)

    [saved] = await organisations(db)
    assert response.status_code == 303
    assert response.headers["location"] == f"/organisationer/{saved.id}"
    assert (saved.name, saved.kind, saved.org_number, saved.contact_email) == (
        "AB Botkyrkabyggen",
        OrganisationKind.KOMMUNALT_BOLAG,
        "212000-0142",
        "info@botkyrkabyggen.se",
    )
    page = (await client.get(f"/organisationer/{saved.id}")).text
    assert "<h1>AB Botkyrkabyggen</h1>" in page
    assert "Kommunalt bolag" in page
    assert "Organisationen har ingen aktiv huvudkontakt" in page
    [audit] = list(
        await db.scalars(sa.select(AuditEvent).where(col(AuditEvent.organisation_id) == saved.id))
    )
    assert (audit.action, audit.actor_person_id) == ("organisation_created", alice.id)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"org_number": "212000-0143"}, "org_number", "Organisationsnumret är inte giltigt"),
        ({"org_number": "19800101-1234"}, "org_number", "Organisationsnumret är inte giltigt"),
        ({"org_number": "abc"}, "org_number", "Organisationsnumret är inte giltigt"),
        ({"contact_email": "info@"}, "contact_email", "Ange en giltig e-postadress"),
        ({"name": "   "}, "name", "Ange organisationens namn."),
        ({"name": "x" * 201}, "name", "högst 200 tecken"),
        ({"kind": "bank"}, "kind", "Välj vilken sorts organisation"),
        ({"parent_id": "999"}, "parent_id", "Välj en moderorganisation i listan."),
        ({"parent_id": "-1"}, "parent_id", "Välj en moderorganisation i listan."),
    ],
)
async def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    await log_in(client, app, alice)

    response = await post_form(client, app, "/organisationer/ny", VALID | change)

    assert response.status_code == 400
    assert message in response.text
    assert f'id="f-{field}"' in response.text
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', response.text)
    assert "Formuläret innehåller fel" in response.text
    assert await organisations(db) == []


async def test_the_form_keeps_what_was_typed(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await post_form(
        client, app, "/organisationer/ny", VALID | {"org_number": "1", "name": "Stiftelsen <Ö>"}
    )

    assert 'value="Stiftelsen &lt;Ö&gt;"' in response.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "ab botkyrkabyggen"}, "Det finns redan en organisation med det namnet."),
        (
            {"name": "Annat namn", "org_number": "2120000142"},
            "Det finns redan en organisation med det organisationsnumret.",
        ),
    ],
)
async def test_a_duplicate_organisation_is_refused(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    change: dict[str, str],
    message: str,
) -> None:
    await make_organisation(db, "AB Botkyrkabyggen", org_number="212000-0142")
    await log_in(client, app, alice)

    response = await post_form(client, app, "/organisationer/ny", VALID | change)

    assert response.status_code == 400
    assert message in response.text
    assert len(await organisations(db)) == 1


async def test_the_list_is_in_swedish_alphabetical_order(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    for name in ("Östra bolaget", "Ängby stiftelse", "Åkersberga AB", "Zeta AB", "alfa AB"):
        await make_organisation(db, name)
    await log_in(client, app, alice)

    page = (await client.get("/organisationer")).text

    found = re.findall(r'<a href="/organisationer/\d+">([^<]+)</a>', page)
    assert found == ["alfa AB", "Zeta AB", "Åkersberga AB", "Ängby stiftelse", "Östra bolaget"]
    assert "5 organisationer" in page


async def test_the_list_filters_by_kind_and_search(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await make_organisation(db, "AB Botkyrkabyggen", org_number="212000-0142")
    await make_organisation(db, "Stiftelsen Hågelby", OrganisationKind.STIFTELSE)
    await make_organisation(db, "Gamla stiftelsen", OrganisationKind.STIFTELSE, active=False)
    await log_in(client, app, alice)

    def names(page: str) -> list[str]:
        return re.findall(r'<a href="/organisationer/\d+">([^<]+)</a>', page)

    by_kind = (await client.get("/organisationer", params={"kind": "stiftelse"})).text
    with_inactive = (
        await client.get("/organisationer", params={"kind": "stiftelse", "inaktiva": "1"})
    ).text
    by_number = (await client.get("/organisationer", params={"q": "212000"})).text
    by_name = (await client.get("/organisationer", params={"q": "HÅGEL"})).text
    nothing = (await client.get("/organisationer", params={"q": "%_"})).text

    assert names(by_kind) == ["Stiftelsen Hågelby"]
    assert names(with_inactive) == ["Gamla stiftelsen", "Stiftelsen Hågelby"]
    assert names(by_number) == ["AB Botkyrkabyggen"]
    assert names(by_name) == ["Stiftelsen Hågelby"]
    assert names(nothing) == []


async def test_the_filter_answers_htmx_with_the_list_only(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await make_organisation(db, "AB Botkyrkabyggen")
    await log_in(client, app, alice)

    response = await client.get(
        "/organisationer",
        params={"q": "bygg"},
        headers={"HX-Request": "true", "HX-Target": "organisationslista"},
    )

    assert "<html" not in response.text
    assert "AB Botkyrkabyggen" in response.text
    assert 'hx-swap-oob="true"' in response.text  # the result count, announced politely


async def test_the_list_page_makes_the_same_number_of_queries_for_5_and_200(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    query_counter: QueryCounter,
) -> None:
    await log_in(client, app, alice)

    async def queries_for_list() -> int:
        return await query_counter.for_page(client, "/organisationer")

    for number in range(5):
        organisation_id = await make_organisation(db, f"Bolag {number:03d}")
        await add_member(db, alice, organisation_id, MembershipRole.ADMIN)
    with_5 = await queries_for_list()
    for number in range(5, 200):
        organisation_id = await make_organisation(db, f"Bolag {number:03d}")
        await add_member(db, alice, organisation_id, MembershipRole.ADMIN)
    with_200 = await queries_for_list()

    assert with_5 == with_200
    # BEGIN, the session and its roles, the list — and COMMIT where the dialect sends one.
    assert with_200 <= 6


async def test_the_coordinator_edits_an_organisation(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    parent = await make_organisation(db, "Botkyrka kommun", OrganisationKind.FORVALTNING)
    organisation_id = await make_organisation(db, "Botkyrkabyggen")
    await log_in(client, app, alice)
    form = (await client.get(f"/organisationer/{organisation_id}/redigera")).text
    assert 'value="Botkyrkabyggen"' in form

    response = await post_form(
        client,
        app,
        f"/organisationer/{organisation_id}/redigera",
        VALID | {"parent_id": str(parent)},
    )

    assert response.status_code == 303
    saved = await db.get(Organisation, organisation_id)
    assert saved is not None
    assert (saved.name, saved.parent_id) == ("AB Botkyrkabyggen", parent)
    details = await db.scalar(
        sa.select(col(AuditEvent.details)).where(col(AuditEvent.action) == "organisation_updated")
    )
    assert details is not None
    assert details["changed"]["name"] == ["Botkyrkabyggen", "AB Botkyrkabyggen"]


async def test_an_organisation_cannot_sit_under_its_own_subsidiary(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    top = await make_organisation(db, "Koncernen")
    child = await make_organisation(db, "Dottern", parent_id=top)
    await log_in(client, app, alice)

    response = await post_form(
        client,
        app,
        f"/organisationer/{top}/redigera",
        {"name": "Koncernen", "kind": "kommunalt_bolag", "parent_id": str(child)},
    )

    assert response.status_code == 400
    assert "dotterorganisationer" in response.text


async def test_deactivating_ends_access_and_sessions_of_its_people(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as bobs:
        await log_in(bobs, app, bob)
        assert (await bobs.get(f"/organisationer/{organisation_id}")).status_code == 200
        await log_in(client, app, alice)

        response = await post_form(
            client,
            app,
            f"/organisationer/{organisation_id}/aktiv",
            {"active": "0", "bekraftat": "ja"},
        )

        assert response.status_code == 303
        assert "Logga in" in (await bobs.get("/")).text  # bob's session ended
        await log_in(bobs, app, bob)
        assert (await bobs.get(f"/organisationer/{organisation_id}")).status_code == 404
    page = (await client.get(f"/organisationer/{organisation_id}")).text
    assert "Organisationen är inaktiverad" in page
    await post_form(client, app, f"/organisationer/{organisation_id}/aktiv", {"active": "1"})
    saved = await db.get(Organisation, organisation_id)
    await db.refresh(saved)
    assert saved is not None
    assert saved.is_active


@pytest.mark.parametrize(
    "path",
    [
        "/organisationer",
        "/organisationer/ny",
        "/organisationer/{id}/redigera",
        "/inbjudningar",
        "/logg",
    ],
)
async def test_coordinator_pages_are_not_found_for_others_and_ask_anonymous_to_log_in(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    path: str,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    url = path.format(id=organisation_id)

    anonymous = await client.get(url)
    await log_in(client, app, bob)
    partner = await client.get(url)

    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/auth/login?next=")
    assert partner.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/organisationer/0",
        "/organisationer/99999999999",
        "/organisationer/abc",
        "/organisationer/1.5",
    ],
)
async def test_malformed_ids_are_simply_not_found(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, path: str
) -> None:
    await log_in(client, app, alice)

    assert (await client.get(path)).status_code == 404
