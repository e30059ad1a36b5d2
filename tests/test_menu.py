"""The main menu (templates/_menu.html, platform.menu): which entries a reader gets, which one
is the current page (aria-current) and which group holds it — remembered per kind of reader and
part of the portal, never per person."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette

from partner_portal.platform.menu import menu
from tests.conftest import app_with

COORDINATOR = {"signed_in": True, "coordinator": True, "follows_up": True, "dev_tools": False}
PARTNER = {"signed_in": True, "coordinator": False, "follows_up": False, "dev_tools": False}
BOARD = {"signed_in": True, "coordinator": False, "follows_up": True, "dev_tools": False}
ANONYMOUS = {"signed_in": False, "coordinator": False, "follows_up": False, "dev_tools": False}


def shown(
    app: Starlette, path: str, reader: dict[str, bool]
) -> tuple[list[str], list[str], list[str]]:
    """The menu at ``path``: its links' texts, the current one(s), the groups marked as here."""
    portal = app.state.portal
    html = portal.templates.fragment("_menu.html", m=menu(path, portal.urls, **reader))
    links = re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', html)
    current = re.findall(r'aria-current="page">([^<]+)</a>', html)
    here = re.findall(r'<summary class="portal-menu__here">([^<]+)</summary>', html)
    return links, current, here


@pytest.mark.parametrize(
    ("name", "params", "current", "here"),
    [
        ("home", {}, ["Start"], []),
        ("rooms", {}, ["Planeringsrum"], []),
        ("room", {"room_id": 7}, ["Planeringsrum"], []),
        ("vital_services", {}, ["Samhällsviktig verksamhet"], ["Register"]),
        ("followup", {}, ["Deltagande per organisation"], ["Uppföljning"]),
        ("followup_report", {}, ["Rapport till kommunstyrelsen"], ["Uppföljning"]),
        ("api_tokens", {}, ["API-nycklar"], ["Uppföljning"]),
        ("programmes", {}, ["Programmets frågor"], ["Uppföljning"]),
        ("roles", {}, ["Portalroller"], ["Administration"]),
        ("organisations", {}, ["Organisationer"], ["Administration"]),
        ("privacy", {}, [], []),
    ],
)
def test_the_current_page_and_its_group_are_marked_for_a_coordinator(
    app: Starlette, name: str, params: dict[str, int], current: list[str], here: list[str]
) -> None:
    path = app.state.portal.urls.path(name, **params)

    links, marked, groups = shown(app, path, COORDINATOR)

    assert marked == current
    assert groups == here
    assert {"Händelselogg", "API-nycklar", "Organisationer"} <= set(links)


def test_each_reader_gets_their_own_entries(app: Starlette) -> None:
    urls = app.state.portal.urls
    partner, _, _ = shown(app, urls.path("rooms"), PARTNER)
    board, board_current, _ = shown(app, urls.path("followup"), BOARD)
    anonymous, _, _ = shown(app, urls.path("home"), ANONYMOUS)

    assert "Planeringsrum" in partner
    assert not {"Uppföljning", "Organisationer", "API-nycklar"} & set(partner)
    assert "Uppföljning" in board
    assert board_current == ["Uppföljning"]
    assert "Organisationer" not in board
    assert anonymous == ["Start"]


async def test_development_has_its_mail_box_in_the_menu(app: Starlette) -> None:
    development = app_with(app, dev_tools=True)
    try:
        links, _, _ = shown(development, "/", {**ANONYMOUS, "dev_tools": True})
    finally:
        await development.state.portal.engine.dispose()

    assert links == ["Start", "E-post (utveckling)"]


def test_a_page_shows_the_menu_of_its_reader(app: Starlette) -> None:
    """The remembered menu is keyed by the reader's kind: a coordinator's after a partner's
    (and the reverse) is each their own."""
    urls = app.state.portal.urls
    first, _, _ = shown(app, urls.path("rooms"), PARTNER)
    coordinator, _, _ = shown(app, urls.path("rooms"), COORDINATOR)
    again, _, _ = shown(app, urls.path("rooms"), PARTNER)

    assert first == again
    assert "Organisationer" in coordinator
    assert "Organisationer" not in again
