"""URLs come from the route table by name; static URLs change with the file's content."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import NoMatchFound, Route

from partner_portal.platform import paths
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.urls import IMMUTABLE, UrlTable
from partner_portal.routes import routes


def table() -> UrlTable:
    return UrlTable(routes(dev_tools=True), resource_dir("static"))


def test_every_named_route_gives_the_path_starlette_would() -> None:
    urls = table()
    app = Starlette(routes=routes(dev_tools=True))
    for route in routes(dev_tools=True):
        if not isinstance(route, Route):
            continue
        strings = {"fmt": "csv", "lang": "en", "token": "abc"}
        params: dict[str, object] = {name: strings.get(name, 7) for name in route.param_convertors}

        assert urls.path(route.name, **params) == app.url_path_for(route.name, **params)


def test_an_unknown_name_or_missing_parameter_is_an_error() -> None:
    urls = table()

    with pytest.raises(NoMatchFound):
        urls.path("finns_inte")
    with pytest.raises(NoMatchFound):
        urls.path("room")


def test_a_static_url_carries_a_hash_of_the_content() -> None:
    content = (resource_dir("static") / "css" / "portal.css").read_bytes()

    assert table().static("css/portal.css") == (
        f"/static/css/portal.css?v={hashlib.sha256(content).hexdigest()[:12]}"
    )


async def test_pages_link_versioned_static_files_which_may_be_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/tillganglighet")).text
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    versioned = await client.get(linked[0])
    plain = await client.get(linked[0].split("?")[0])

    assert linked
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in linked)
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == IMMUTABLE
    assert plain.status_code == 200
    assert "immutable" not in plain.headers.get("cache-control", "")


def test_fill_writes_a_pattern_with_exactly_its_parameters() -> None:
    assert paths.fill(paths.ITEM, room_id=7, organisation_id=3, item_id=12) == (
        "/rum/7/organisationer/3/punkter/12"
    )
    assert paths.fill(paths.CALLOUT_ANSWER_LINK, token="abc") == "/frg/svar/abc"
    with pytest.raises(ValueError, match="room_id"):
        paths.fill(paths.ROOM)
    with pytest.raises(ValueError, match="plan_id"):
        paths.fill(paths.ROOM, room_id=1, plan_id=2)


def test_every_page_links_point_to_is_a_route_of_the_table() -> None:
    """The patterns services fill in for mail, evidence and feeds are the route table's own
    paths, so a link cannot point where no page is."""
    table = {r.path for r in routes(dev_tools=False) if isinstance(r, Route)}
    patterns = {
        name: value
        for name, value in vars(paths).items()
        if name.isupper()
        and isinstance(value, str)
        and value.startswith("/")
        and name != "FRG"  # only a prefix: a group has no page of its own at /frg/{id}
    }

    assert patterns
    assert {name for name, pattern in patterns.items() if pattern not in table} == set()
