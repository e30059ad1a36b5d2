"""The indexed router (platform.routing) sends every request where Starlette's own router sends
it: the same route with the same path parameters, 405 for another method, the trailing-slash
redirect, 404 — for a path of every route in the table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Match, Route, Router

from partner_portal.platform.routing import IndexedRouter
from partner_portal.routes import routes

TABLE = routes(dev_tools=True)
INDEXED = IndexedRouter(TABLE)
STARLETTE = Router(TABLE)


def _example(path: str) -> str:
    """A path of ``path``'s route: each parameter given a value its convertor takes."""
    return re.sub(r"\{\w+(:(\w+))?\}", lambda m: "7" if m.group(2) in ("id", "int") else "x", path)


def _scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _chosen(router: Router, path: str, method: str) -> tuple[Any, Match, dict[str, Any]]:
    """The route ``router`` hands the request to, how it matched and its path parameters (the
    first full match, else the first partial one), as Starlette's Router.app decides."""
    scope = _scope(path, method)
    tried = router.candidates(scope) if isinstance(router, IndexedRouter) else router.routes
    partial = None
    for route in tried:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route, match, child.get("path_params", {})
        if match is Match.PARTIAL and partial is None:
            partial = (route, match, child.get("path_params", {}))
    return partial or (None, Match.NONE, {})


PATHS = sorted(
    {_example(r.path) for r in TABLE if isinstance(r, Route)}
    | {"/", "/static/app.css", "/rum/", "/rum/7/", "/finns/inte", "/rum/7/planer/7/x/y/z"}
)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_a_request_goes_where_starlettes_router_sends_it(path: str, method: str) -> None:
    assert _chosen(INDEXED, path, method) == _chosen(STARLETTE, path, method)


def test_a_room_page_is_looked_for_among_few_routes() -> None:
    comment = "/rum/7/planer/7/avsnitt/7/kommentarer"
    assert len(INDEXED.candidates(_scope(comment))) < len(TABLE) // 5


async def test_requests_to_the_app_are_routed_as_before(client: Any) -> None:
    """Through the app itself: a page, the 405 of another method, the redirect of a trailing
    slash, a 404."""
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.post("/healthz")).status_code == 405
    redirected = await client.get("/healthz/", follow_redirects=False)
    assert redirected.status_code in (307, 308)
    assert redirected.headers["location"].endswith("/healthz")
    assert (await client.get("/finns/inte")).status_code == 404
