"""A meeting clicked through in Chromium against `partner-portal dev`: the coordinator
schedules a meeting with AB Botkyrkabyggen, its main contact answers yes, the coordinator
records attendance and a decision with an action, and the partner finds the action on the
start page and completes it. Every page passes axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage
from tests.e2e.test_room_browser import log_in_as, log_out

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_meeting_from_invitation_to_a_completed_action(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    # Today, all day: it has begun (attendance opens at the start) and is still answerable
    # at every step (only the last minute of the day would be too late); the action falls
    # due three weeks after it. Days from the clock the running portal shares.
    meeting_day = clock.today()
    due_on = meeting_day + timedelta(days=21)
    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Möten").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Möten")
    page.assert_accessible()
    p.get_by_role("link", name="Planera möte").click()
    page.assert_accessible()
    p.locator("#f-title").fill("Samverkansmöte om nödvatten")
    p.locator("#f-day").fill(meeting_day.isoformat())
    p.locator("#f-start").fill("00:00")
    p.locator("#f-end").fill("23:59")
    p.locator("#f-place").fill("Kommunhuset, Tumba")
    p.locator("#f-video_url").fill("https://meet.example.se/nodvatten")
    p.locator("#f-agenda").fill("1. Läget\n2. Tankar och reservkraft")
    p.locator("label", has_text="AB Botkyrkabyggen").click()
    p.get_by_role("button", name="Planera mötet och skicka inbjudan").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Samverkansmöte om nödvatten")
    expect(p.locator("main")).to_contain_text("Erik Öberg")
    page.assert_accessible()
    meeting_url = p.url.split("#")[0]
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(meeting_url)
    expect(p.get_by_role("heading", name="Kommer du?")).to_be_visible()
    page.assert_accessible()
    p.locator("label[for=rsvp-yes]").click()
    p.get_by_role("button", name="Skicka svaret").click()
    expect(p.locator("main")).to_contain_text("Ditt svar: Ja")
    page.assert_accessible()
    log_out(p)

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(meeting_url)
    p.locator("label", has_text="Närvarande – Erik Öberg").click()  # the box a person clicks
    p.get_by_role("button", name="Spara närvaron").click()
    expect(p.get_by_role("cell", name="Närvarande").first).to_be_visible()
    p.locator("#f-decision").fill("AB Botkyrkabyggen inventerar behovet av reservkraft.")
    p.locator("#f-action_title").fill("Inventera reservkraft")
    p.locator("#f-action_organisation").select_option(label="AB Botkyrkabyggen")
    p.locator("#f-action_due_on").fill(due_on.isoformat())
    p.get_by_role("button", name="Lägg till beslutet").click()
    expect(p.get_by_role("link", name="Inventera reservkraft")).to_be_visible()
    page.assert_accessible()
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    waiting = p.get_by_role("region", name="Väntar på min organisation")
    expect(waiting.get_by_role("link", name="Inventera reservkraft")).to_be_visible()
    page.assert_accessible()
    waiting.get_by_role("link", name="Inventera reservkraft").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Inventera reservkraft")
    page.assert_accessible()
    p.locator("label[for=status-done]").click()
    p.get_by_role("button", name="Spara läget").click()
    expect(p.locator("main")).to_contain_text("Klar")
    p.get_by_role("link", name="Alla åtgärder").click()
    expect(p.get_by_role("table")).to_contain_text("Inventera reservkraft")
    page.assert_accessible()
    p.goto(dev_portal + "/kalender")
    p.get_by_role("button", name="Skapa prenumerationslänk").click()
    expect(p.get_by_label("Prenumerationslänk")).to_have_value(
        re.compile(r"/kalender/[A-Za-z0-9_-]{43}\.ics$")
    )
    page.assert_accessible()
