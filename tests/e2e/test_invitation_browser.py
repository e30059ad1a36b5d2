"""An invitation clicked through in Chromium against `partner-portal dev`: the coordinator
invites, the mail arrives at the development mail catcher, the invited person follows the link,
logs in and becomes the organisation's main contact."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage
from tests.e2e.world import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LINK = re.compile(r"http://127\.0\.0\.1:\d+/inbjudan/[A-Za-z0-9_-]+")


def test_the_coordinator_invites_and_the_invited_person_joins(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    p.goto(dev_portal + "/auth/login")
    p.get_by_role("button", name=re.compile("Anna Lindqvist")).click()
    menu_link(p, "Organisationer").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Organisationer")
    page.assert_accessible()

    p.get_by_label("Sök namn eller organisationsnummer").fill("upplev")
    p.get_by_role("button", name="Filtrera").click()
    p.get_by_role("link", name="Upplev Botkyrka AB").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Upplev Botkyrka AB")
    expect(p.get_by_text("Organisationen har ingen aktiv huvudkontakt")).to_be_visible()
    page.assert_accessible()

    p.get_by_role("textbox", name="E-postadress").fill("nina.ny@upplev.example")
    p.get_by_role("combobox", name="Roll").select_option("admin")
    p.get_by_role("button", name="Skicka inbjudan").click()
    expect(p.get_by_text("nina.ny@upplev.example", exact=True)).to_be_visible()
    page.assert_accessible()

    menu_link(p, "Inbjudningar").click()
    expect(p.get_by_role("row", name=re.compile("nina.ny@upplev.example"))).to_be_visible()
    page.assert_accessible()
    menu_link(p, "Portalroller").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Portalroller")
    page.assert_accessible()
    menu_link(p, "Händelselogg").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Händelselogg")
    page.assert_accessible()
    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()

    link = None
    for _ in range(50):  # the in-process worker delivers within a few seconds
        p.goto(dev_portal + "/dev/mail")
        found = LINK.search(p.locator("main").inner_text())
        if found:
            link = found.group(0)
            break
        time.sleep(0.3)
    assert link, "the invitation mail never reached the mail catcher"
    page.assert_accessible()

    p.goto(link)
    expect(p.get_by_role("heading", level=1)).to_have_text("Inbjudan till Upplev Botkyrka AB")
    page.assert_accessible()
    p.get_by_role("link", name="Logga in för att acceptera").click()
    p.get_by_label("Identitet (sub)").fill("nina.ny@upplev.example")
    p.get_by_role("button", name="Logga in", exact=True).click()
    expect(p.get_by_role("button", name="Acceptera inbjudan")).to_be_visible()
    p.get_by_role("button", name="Acceptera inbjudan").click()

    expect(p.get_by_role("heading", level=1)).to_have_text("Upplev Botkyrka AB")
    expect(
        p.get_by_role("row", name=re.compile("nina.ny@upplev.example.*Huvudkontakt"))
    ).to_be_visible()
    page.assert_accessible()
    p.goto(link)
    expect(p.get_by_role("heading", level=1)).to_have_text("Inbjudan är redan använd")
    page.assert_accessible()
