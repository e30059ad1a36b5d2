"""A plan clicked through in Chromium against `partner-portal dev`: the coordinator writes and
publishes a plan in a room; the partner's main contact comments on a section; the comment
appears on the coordinator's open page without a reload (server-sent events)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage
from tests.e2e.test_room_browser import log_in_as, log_out

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_coordinator_publishes_a_plan_and_a_partner_comments(
    dev_portal: str, page: CheckedPage, browser: Browser
) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(dev_portal + "/rum/ny")
    p.get_by_label("Mall").select_option(
        label="Riktlinjer för trygghets- och säkerhetsarbetet (version 1)"
    )
    p.get_by_label("Namn").fill("Riktlinjer 2026")
    p.get_by_label("Startdatum").fill(clock.today().isoformat())
    p.get_by_label("Slutdatum").fill((clock.today() + timedelta(days=340)).isoformat())
    p.get_by_role("button", name="Öppna rummet").click()
    p.locator("label", has_text="AB Botkyrkabyggen").click()
    p.get_by_role("button", name="Bjud in valda organisationer").click()
    room_url = p.url.split("#")[0]

    p.get_by_role("link", name="Planer i rummet").click()
    page.assert_accessible()
    p.get_by_label("Titel").fill("Riktlinjer för trygghet")
    p.get_by_role("button", name="Skapa planen").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Utkast: Riktlinjer för trygghet")
    p.locator("#nytt-heading").fill("Syfte")
    p.locator("#nytt-body").fill("Riktlinjerna gäller **alla** förvaltningar och bolag.")
    p.get_by_role("button", name="Lägg till avsnittet").click()
    p.locator("#nytt-heading").fill("Ansvar")
    p.locator("#nytt-body").fill("- Kommunledningsförvaltningen samordnar.")
    p.get_by_role("button", name="Lägg till avsnittet").click()
    page.assert_accessible()
    p.get_by_label("Vad har ändrats?").fill("Första remissversionen")
    p.get_by_role("button", name="Publicera version 1").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Riktlinjer för trygghet")
    expect(p.locator(".portal-markdown strong")).to_have_text("alla")
    page.assert_accessible()
    plan_url = p.url.split("#")[0]
    log_out(p)

    # Erik accepts for AB Botkyrkabyggen, then comments on a section.
    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(room_url)
    p.get_by_text("Vi deltar", exact=True).click()  # nothing is chosen in advance
    p.get_by_role("button", name="Skicka svaret").click()
    expect(p.get_by_text(re.compile(r"^AB Botkyrkabyggen – Deltar"))).to_be_visible()

    # Meanwhile the coordinator reads the plan in another browser.
    other = browser.new_context(locale="sv-SE")
    try:
        coordinator = CheckedPage(other.new_page(), dev_portal)
        log_in_as(coordinator.page, dev_portal, "Anna Lindqvist")
        coordinator.page.goto(plan_url)
        expect(
            coordinator.page.locator("#avsnitt-rubrik, .portal-plan-section").first
        ).to_contain_text("Inga kommentarer ännu.")

        p.goto(plan_url)
        page.assert_accessible()
        p.get_by_label("Kommentera avsnittet Syfte").fill("Gäller det även stiftelserna?")
        p.get_by_role("button", name="Skicka kommentaren").first.click()
        expect(p.locator(".portal-comment").first).to_contain_text("Gäller det även stiftelserna?")
        expect(p.locator(".portal-comment").first).to_contain_text("Erik Öberg, AB Botkyrkabyggen")
        expect(p.get_by_label("Kommentera avsnittet Syfte")).to_have_value("")
        expect(p.locator(":focus")).to_contain_text("Gäller det även stiftelserna?")
        first = p.locator(".portal-threads", has=p.locator(".portal-comment"))
        expect(first).not_to_contain_text("Inga kommentarer ännu.")
        expect(first.get_by_role("heading", level=3)).to_contain_text("1 kommentar")
        page.assert_accessible()

        # Without a reload, the comment reaches the coordinator's page and is announced.
        expect(coordinator.page.locator(".portal-comment").first).to_contain_text(
            "Gäller det även stiftelserna?", timeout=10_000
        )
        expect(coordinator.page.locator("#meddelanden")).to_have_text("En ny kommentar har kommit.")
        coordinator.assert_accessible()
        assert coordinator.console_errors == []
        # The author's own page had it at once and announces nothing about a "new" comment.
        expect(p.locator("#meddelanden")).to_have_text("")
    finally:
        other.close()
