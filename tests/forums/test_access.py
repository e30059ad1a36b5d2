"""Who sees a forum: every forum route, for outsiders and for a room that is not a forum."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.routes import routes
from tests.forums.factories import forum_with_three_parties
from tests.helpers import Persona, csrf_token, log_in
from tests.rooms.factories import open_room

FORUM_ROUTES = [
    (route.path, sorted(route.methods or []))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/forum/{room_id")
]


def test_every_forum_route_is_under_test() -> None:
    assert len(FORUM_ROUTES) == 3


async def request(
    client: httpx.AsyncClient, app: Starlette, method: str, path: str, *, logged_in: bool
) -> httpx.Response:
    if method == "GET":
        return await client.get(path)
    data = {"csrf_token": await csrf_token(client, app)} if logged_in else {}
    return await client.post(path, data=data)


@pytest.mark.parametrize(("path", "methods"), FORUM_ROUTES)
async def test_every_forum_route_is_hidden_from_outsiders(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
    path: str,
    methods: list[str],
) -> None:
    forum = await forum_with_three_parties(db, app, alice, charlie)
    url = path.replace("{room_id:id}", str(forum.room_id))
    for method in (m for m in methods if m != "HEAD"):
        anonymous = await request(client, app, method, url, logged_in=False)
        assert anonymous.status_code == 303, (method, url)
        assert anonymous.headers["location"].startswith("/auth/login")
    await log_in(client, app, charlie)
    for method in (m for m in methods if m != "HEAD"):
        outsider = await request(client, app, method, url, logged_in=True)
        assert outsider.status_code == 404, (method, url)


@pytest.mark.parametrize(("path", "methods"), FORUM_ROUTES)
async def test_a_planning_room_is_not_a_forum(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    path: str,
    methods: list[str],
) -> None:
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)
    url = path.replace("{room_id:id}", str(room_id))
    for method in (m for m in methods if m != "HEAD"):
        response = await request(client, app, method, url, logged_in=True)
        assert response.status_code == 404, (method, url)
