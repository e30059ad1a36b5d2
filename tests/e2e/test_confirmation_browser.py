"""Destructive actions clicked through in Chromium against `partner-portal dev`: each asks on a
page of its own (axe-checked) before anything happens, "Avbryt" leaves everything as it was, and
the same works with JavaScript switched off. A second room like a running one is a warning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage
from tests.e2e.world import People, menu_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HAGELBY = "Stiftelsen Hågelby"
STADSNAT = "Botkyrka Stadsnät AB"


def log_in_as(p: Page, portal: str, name: str) -> None:
    p.goto(portal + "/auth/login")
    p.get_by_role("button", name=re.compile(name)).click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def open_organisation(p: Page, name: str) -> None:
    menu_link(p, "Organisationer").click()
    p.get_by_role("link", name=name, exact=True).click()
    expect(p.get_by_role("heading", level=1)).to_have_text(name)


def test_deactivating_an_organisation_asks_on_a_page_of_its_own(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    open_organisation(p, HAGELBY)

    p.get_by_role("button", name="Inaktivera organisationen").click()

    expect(p.get_by_role("heading", level=1)).to_have_text(f"Inaktivera {HAGELBY}?")
    expect(p.get_by_text("du kan aktivera organisationen igen")).to_be_visible()
    page.assert_accessible()
    p.get_by_role("link", name="Avbryt").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(HAGELBY)
    expect(p.get_by_text("Organisationen är inaktiverad")).to_have_count(0)

    p.get_by_role("button", name="Inaktivera organisationen").click()
    p.get_by_role("button", name="Ja, inaktivera organisationen").click()

    expect(p.get_by_role("heading", level=1)).to_have_text(HAGELBY)
    expect(p.get_by_text("Organisationen är inaktiverad")).to_be_visible()
    page.assert_accessible()


def test_a_room_like_a_running_one_warns_and_closing_a_room_asks(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    name = f"Styrel {clock.today().year}"  # the demo's running STYREL room is called so
    p.goto(dev_portal + "/rum/ny")
    p.get_by_label("Mall").select_option(label="El och styrel (version 1)")
    p.get_by_label("Namn").fill(name)
    p.get_by_label("Startdatum").fill(clock.today().isoformat())
    p.get_by_label("Slutdatum").fill((clock.today() + timedelta(days=200)).isoformat())
    p.get_by_role("button", name="Öppna rummet").click()

    expect(
        p.get_by_role("heading", name="Det finns redan ett rum med samma mall och namn")
    ).to_be_visible()
    expect(p.get_by_role("textbox", name="Namn")).to_have_value(name)
    page.assert_accessible()
    p.get_by_role("button", name="Öppna rummet ändå").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(name)
    room_url = p.url

    p.get_by_role("button", name="Stäng rummet").click()

    expect(p.get_by_role("heading", level=1)).to_have_text(f"Stäng rummet {name}?")
    expect(p.get_by_text("Det går inte att ångra.")).to_be_visible()
    page.assert_accessible()
    p.get_by_role("link", name="Avbryt").click()
    expect(p).to_have_url(room_url)
    expect(p.locator(".portal-lead .badge", has_text="Stängt")).to_have_count(0)
    p.get_by_role("button", name="Stäng rummet").click()
    p.get_by_role("button", name="Ja, stäng rummet").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(name)
    expect(p.locator(".portal-lead .badge", has_text="Stängt")).to_be_visible()
    page.assert_accessible()


@pytest.fixture
def without_javascript(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal, java_script_enabled=False)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def test_the_question_works_without_javascript(dev_portal: str, without_javascript: People) -> None:
    p = without_javascript["coordinator"].page
    p.goto(dev_portal + "/")
    open_organisation(p, STADSNAT)

    p.get_by_role("button", name="Inaktivera organisationen").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(f"Inaktivera {STADSNAT}?")
    with p.expect_response(lambda r: r.request.method == "POST") as posted:
        p.get_by_role("button", name="Ja, inaktivera organisationen").click()

    assert posted.value.status == 303
    expect(p.get_by_text("Organisationen är inaktiverad")).to_be_visible()
