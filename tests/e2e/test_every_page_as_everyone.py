"""Every page at 320 px (400 % zoom) as every persona who may see it, not only the one the route
walk (test_every_page.py) visits it as: what a page holds differs by who reads it — the
coordinator's forms, a main contact's invitations, a follow-up reader's filters — and each of
them must fit the window, be cut off nowhere, and stay accessible.

A separate file, so that pytest-xdist runs it beside the walk. Pages reached through a one-time
link are left out: they belong to whoever holds the link (the walk checks them as that person).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.e2e.test_every_page import TABLE, Visit, may_see, one_time_links, visits
from tests.e2e.world import ANONYMOUS, PERSONAS, ZOOMED, People, World, overflow, text_spacing

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.long]

EVERYONE = (ANONYMOUS, *PERSONAS)


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal, viewport=ZOOMED, preload_axe=True)
    yield everyone
    everyone.close()


def test_every_page_at_320_px_as_each_persona_who_may_see_it(
    dev_portal: str, people: People
) -> None:
    w = World.of(dev_portal)
    links = one_time_links(w, people)
    tokens = {name: link.rsplit("/", 1)[1] for name, link in links.items()}
    planned = visits(w, tokens)
    walked = {(v.route, v.persona) for v in planned}
    others = [
        Visit(v.route, persona, v.params, v.query)
        for v in planned
        if "token" not in v.params
        for persona in EVERYONE
        if (v.route, persona) not in walked and may_see(Visit(v.route, persona))
    ]

    failures: list[str] = []
    checked_visits = 0
    for visit in others:
        checked = people[visit.persona]
        p = checked.page
        url = dev_portal + visit.url(TABLE)
        # Asked first without loading the page (the browser's cookies, no rendering, no axe
        # script): about half of these visits are objects not this persona's to see.
        asked = p.request.get(url, max_redirects=0)
        if asked.status in (403, 404):
            continue  # the object is not this persona's to see: the portal said so
        response = p.goto(url)
        assert response is not None
        checked_visits += 1
        try:
            assert response.status == 200, f"status {response.status}"
            assert overflow(p) == [], "at 320 px:\n" + "\n".join(overflow(p))
            checked.assert_accessible()
            text_spacing(p)
            assert overflow(p) == [], "at 320 px, text spacing:\n" + "\n".join(overflow(p))
            text_spacing(p, on=False)
        except AssertionError as failure:
            failures.append(f"{visit.route} as {visit.persona} ({url}):\n{failure}")
    assert failures == [], "\n\n".join(failures)
    assert checked_visits > len(planned) / 2  # the walk's pages, again, as others who see them
    assert people.console_errors() == []
