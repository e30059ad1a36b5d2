"""Who sees a room: every room route, for every kind of visitor (deny by default, 404)."""

from __future__ import annotations

import re

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.organisations.models import MembershipRole
from partner_portal.rooms.models import RoomPhase
from partner_portal.routes import routes
from tests.helpers import Persona, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.plans.factories import comment, make_plan
from tests.rooms.factories import accept, invite, item_of_kind, open_room
from tests.vital_services.factories import make_entry

ROOM_ROUTES = [
    (route.path, sorted(route.methods or []))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/rum/{room_id")
]

ORGANISATION_ROUTES = [(p, m) for p, m in ROOM_ROUTES if "{organisation_id" in p]


def fill(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):id\}", lambda m: str(ids[m.group(1)]), path)


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, charlie: Persona
) -> dict[str, int]:
    """Bob acts for a participating organisation, Dave for another one, Charlie for one that
    is not in the room."""
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    outside = await make_organisation(db, "Utanför AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, outside, MembershipRole.ADMIN)
    room_id = await open_room(db, alice)
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    await accept(db, dave, room_id, upplev)
    phase_id = await db.scalar(
        sa.select(col(RoomPhase.id)).where(col(RoomPhase.room_id) == room_id)
    )
    assert phase_id is not None
    plan_id, (section_id,) = await make_plan(db, alice, room_id, [("Avsnitt", "Text")])
    comment_id = await comment(db, app, bob, room_id, plan_id, section_id, "Kommentar")
    return {
        "plan_id": plan_id,
        "section_id": section_id,
        "comment_id": comment_id,
        "room_id": room_id,
        "organisation_id": byggen,
        "other_organisation": upplev,
        "item_id": await item_of_kind(db, room_id, "styrel_users"),
        "phase_id": phase_id,
        "row_id": 1,
        "file_id": 1,
        "consultation_id": 1,
        "statement_id": 1,
        "service_id": await make_entry(db, byggen, "Äldreboendet"),  # Bob's own register entry
    }


async def request(
    client: httpx.AsyncClient,
    app: Starlette,
    method: str,
    path: str,
    *,
    logged_in: bool,
    htmx: bool = False,
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return await client.get(path, headers=headers)
    data = {"csrf_token": await csrf_token(client, app)} if logged_in else {}
    return await client.post(path, data=data, headers=headers)


@pytest.mark.parametrize(("path", "methods"), ROOM_ROUTES)
async def test_every_room_route_is_hidden_from_outsiders(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    charlie: Persona,
    path: str,
    methods: list[str],
) -> None:
    url = fill(path, world)
    for method in (m for m in methods if m != "HEAD"):
        anonymous = await request(client, app, method, url, logged_in=False)
        assert anonymous.status_code == 303, (method, url)
        assert anonymous.headers["location"].startswith("/auth/login")
    await log_in(client, app, charlie)
    for method in (m for m in methods if m != "HEAD"):
        for htmx in (False, True):
            outsider = await request(client, app, method, url, logged_in=True, htmx=htmx)
            assert outsider.status_code == 404, (method, url, htmx)


@pytest.mark.parametrize(("path", "methods"), ORGANISATION_ROUTES)
async def test_another_organisations_part_of_the_room_is_not_found(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    bob: Persona,
    path: str,
    methods: list[str],
) -> None:
    url = fill(path, world | {"organisation_id": world["other_organisation"]})
    await log_in(client, app, bob)

    for method in (m for m in methods if m != "HEAD"):
        response = await request(client, app, method, url, logged_in=True)
        assert response.status_code == 404, (method, url)


async def test_participants_and_coordinators_see_the_room_and_their_items(
    app: Starlette, client: httpx.AsyncClient, world: dict[str, int], alice: Persona, bob: Persona
) -> None:
    room = f"/rum/{world['room_id']}"
    item = fill("/rum/{room_id:id}/organisationer/{organisation_id:id}/punkter/{item_id:id}", world)
    await log_in(client, app, bob)
    partner_room = await client.get(room)
    partner_item = await client.get(item)
    partner_phase = await client.get(f"{room}/faser/{world['phase_id']}")
    await log_in(client, app, alice)
    coordinator_room = await client.get(room)
    coordinator_item = await client.get(item)

    assert partner_room.status_code == 200
    assert partner_item.status_code == 200
    assert partner_phase.status_code == 404  # adjusting phases is the coordinator's
    assert coordinator_room.status_code == 200
    assert coordinator_item.status_code == 200


async def test_the_room_list_shows_only_ones_own_rooms(
    app: Starlette, client: httpx.AsyncClient, world: dict[str, int], bob: Persona, charlie: Persona
) -> None:
    await log_in(client, app, bob)
    assert "Styrel 2026" in (await client.get("/rum")).text
    await log_in(client, app, charlie)
    assert "Styrel 2026" not in (await client.get("/rum")).text
