"""A planning room clicked through in Chromium against `partner-portal dev`: the coordinator
opens a STYREL room and invites AB Botkyrkabyggen; its main contact accepts and submits an
electricity user; the coordinator approves."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GSRN = "735999000000000013"


def log_in_as(p: Page, portal: str, name: str) -> None:
    p.goto(portal + "/auth/login")
    p.get_by_role("button", name=re.compile(name)).click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def log_out(p: Page) -> None:
    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()


def test_a_styrel_room_from_invitation_to_approval(dev_portal: str, page: CheckedPage) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Planeringsrum").click()
    page.assert_accessible()
    p.get_by_role("link", name="Öppna planeringsrum").click()
    p.get_by_label("Mall").select_option(label="El och styrel (version 1)")
    p.get_by_label("Namn").fill("Styrel 2026 – Tumba")  # not the demo's own STYREL room
    p.get_by_label("Startdatum").fill(clock.today().isoformat())
    p.get_by_label("Slutdatum").fill((clock.today() + timedelta(days=340)).isoformat())
    page.assert_accessible()
    p.get_by_role("button", name="Öppna rummet").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Styrel 2026 – Tumba")
    p.locator("label", has_text="AB Botkyrkabyggen").click()  # the box a person clicks
    p.get_by_role("button", name="Bjud in valda organisationer").click()
    expect(p.get_by_text(re.compile(r"^AB Botkyrkabyggen – Inbjuden"))).to_be_visible()
    page.assert_accessible()
    room_url = p.url.split("#")[0]
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(room_url)
    p.get_by_text("Vi deltar", exact=True).click()  # nothing is chosen in advance
    p.get_by_role("button", name="Skicka svaret").click()
    expect(p.get_by_text(re.compile(r"^AB Botkyrkabyggen – Deltar"))).to_be_visible()
    page.assert_accessible()
    p.get_by_role("link", name="Samhällsviktiga elanvändare med anslutningspunkter").first.click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Samhällsviktiga elanvändare med anslutningspunkter"
    )
    page.assert_accessible()
    form = p.locator("#styrel")
    form.locator("#f-name").fill("Tumba vattenverk")
    form.locator("#f-activity").fill("Vattenverk")
    form.locator("#f-priority_class").select_option("1")
    form.locator("#f-justification").fill("Dricksvatten till 40 000 personer inom timmar")
    form.locator("#f-address").fill("Vattenvägen 1, Tumba")
    form.locator("#f-grid_company").fill("Ellevio AB")
    form.locator("#f-gsrn-0").fill(GSRN)
    item_url = p.url
    form.get_by_role("button", name="Lägg till anslutningspunkt").click()
    expect(form.locator("input[name=gsrn]")).to_have_count(2)  # swapped in by htmx, kept values
    expect(form.locator("#f-gsrn-0")).to_have_value(GSRN)
    assert p.url.split("#")[0] == item_url.split("#")[0]
    form.locator("button[type=submit]:not([name])").last.click()
    expect(p.locator(":focus")).to_have_text("Elanvändare och anslutningspunkter")
    expect(p.locator("#meddelanden")).to_have_text("Sparat.")
    expect(p.get_by_role("cell", name="Tumba vattenverk")).to_be_visible()
    page.assert_accessible()
    p.get_by_role("button", name="Lämna in till kommunen").click()
    expect(p.locator("main")).to_contain_text("Inlämnad")
    item_url = p.url
    log_out(p)

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(item_url)
    p.get_by_role("button", name="Godkänn").click()
    expect(p.locator("main")).to_contain_text("Godkänd")
    page.assert_accessible()
    p.goto(room_url)
    expect(p.get_by_role("table")).to_contain_text("Godkänd")
    expect(p.get_by_role("link", name="Hämta som Excel (XLSX)")).to_be_visible()
    page.assert_accessible()
