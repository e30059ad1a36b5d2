"""Who sees a plan: every plan URL — pages, fragments, exports and the live stream — is 404
for people outside the room; drafts are the coordinator's; only those who took part comment."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.routes import routes
from tests.helpers import Persona, csrf_token, log_in
from tests.plans.factories import comment, make_plan

PLAN_ROUTES = [
    (route.path, sorted(route.methods or []))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/rum/{room_id:id}/planer")
]
COORDINATOR_ONLY = [
    (p, m)
    for p, m in PLAN_ROUTES
    if "/utkast" in p or "/publicera" in p or (m == ["POST"] and p.endswith("/planer"))
]


def fill(path: str, ids: dict[str, int]) -> str:
    path = re.sub(r"\{(\w+):id\}", lambda m: str(ids[m.group(1)]), path)
    return path.replace("{fmt}", "csv")


@pytest.fixture
async def ids(
    app: Starlette, db: AsyncSession, world: dict[str, int], bob: Persona
) -> dict[str, int]:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Bra."
    )
    return world | {"comment_id": comment_id}


async def send(
    client: httpx.AsyncClient, app: Starlette, method: str, url: str, *, htmx: bool = False
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return await client.get(url, headers=headers)
    token = await csrf_token(client, app) if client.cookies else ""
    return await client.post(url, data={"csrf_token": token, "body": "x"}, headers=headers)


def test_the_plan_routes_are_all_under_the_room() -> None:
    names = {r.name for r in routes(dev_tools=False) if isinstance(r, Route)}
    assert len(PLAN_ROUTES) == 14
    assert {"plan", "plan_events", "plan_threads", "plan_comments_export"} <= names


@pytest.mark.parametrize(("path", "methods"), PLAN_ROUTES)
async def test_every_plan_route_is_hidden_from_outsiders(
    app: Starlette,
    client: httpx.AsyncClient,
    ids: dict[str, int],
    charlie: Persona,
    path: str,
    methods: list[str],
) -> None:
    url = fill(path, ids)
    for method in (m for m in methods if m != "HEAD"):
        anonymous = await send(client, app, method, url)
        assert anonymous.status_code == 303, (method, url)
        assert anonymous.headers["location"].startswith("/auth/login")
    await log_in(client, app, charlie)
    for method in (m for m in methods if m != "HEAD"):
        for htmx in (False, True):
            outsider = await send(client, app, method, url, htmx=htmx)
            assert outsider.status_code == 404, (method, url, htmx)


@pytest.mark.parametrize(("path", "methods"), COORDINATOR_ONLY)
async def test_the_draft_and_publishing_are_the_coordinators(
    app: Starlette,
    client: httpx.AsyncClient,
    ids: dict[str, int],
    bob: Persona,
    path: str,
    methods: list[str],
) -> None:
    await log_in(client, app, bob)
    for method in (m for m in methods if m != "HEAD"):
        response = await send(client, app, method, fill(path, ids))
        assert response.status_code == 404, (method, path)


async def test_an_unpublished_plan_is_not_found_for_partners(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    plan_id, _sections = await make_plan(
        db, alice, world["room_id"], [("Hemligt utkast", "Text")], title="Utkastplan", publish=False
    )
    await log_in(client, app, bob)
    page = await client.get(f"/rum/{world['room_id']}/planer/{plan_id}")
    listing = await client.get(f"/rum/{world['room_id']}/planer")
    await log_in(client, app, alice)
    coordinator_listing = await client.get(f"/rum/{world['room_id']}/planer")

    assert page.status_code == 404
    assert "Utkastplan" not in listing.text
    assert "Nödvattenplan" in listing.text
    assert "Utkastplan" in coordinator_listing.text


async def test_a_plan_of_another_room_is_not_found_through_this_room(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    from tests.rooms.factories import open_room

    other_room = await open_room(db, alice, name="Annat rum")
    other_plan, _ = await make_plan(db, alice, other_room, [("A", "B")], title="Annan plan")
    await log_in(client, app, bob)

    response = await client.get(f"/rum/{world['room_id']}/planer/{other_plan}")

    assert response.status_code == 404


async def test_an_invited_organisation_that_has_not_answered_reads_but_does_not_comment(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    dave: Persona,
) -> None:
    base = f"/rum/{world['room_id']}/planer/{world['plan_id']}"
    await log_in(client, app, dave)
    page = await client.get(base)
    refused = await client.post(
        f"{base}/avsnitt/{world['section_id']}/kommentarer",
        data={"csrf_token": await csrf_token(client, app), "body": "Hej"},
    )

    assert page.status_code == 200
    assert "Ansvar och mandat" in page.text
    assert "Skicka kommentaren" not in page.text
    assert "Kommentera kan den som företräder en organisation som har tackat ja" in page.text
    assert refused.status_code == 404


async def test_partners_and_coordinators_comment(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    base = f"/rum/{world['room_id']}/planer/{world['plan_id']}"
    url = f"{base}/avsnitt/{world['section_id']}/kommentarer"
    await log_in(client, app, bob)
    by_bob = await client.post(
        url, data={"csrf_token": await csrf_token(client, app), "body": "Ok"}
    )
    await log_in(client, app, alice)
    by_alice = await client.post(
        url, data={"csrf_token": await csrf_token(client, app), "body": "Tack"}
    )
    page = await client.get(base)

    assert by_bob.status_code == by_alice.status_code == 303
    assert "Bob Bergström</strong>, AB Botkyrkabyggen" in page.text
    assert "Alice Andersson</strong>, Kommunen (samordnare)" in page.text
