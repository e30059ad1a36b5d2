"""The issue's consultation flow clicked through in Chromium against `partner-portal dev`: the
coordinator opens a guidelines room and publishes a plan; AB Botkyrkabyggen joins and comments
on a section; the coordinator sends the version on remiss; the partner submits "inga synpunkter"
in one click; the coordinator answers the statement and the comment in the compilation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in_as(p: Page, portal: str, name: str) -> None:
    p.goto(portal + "/auth/login")
    p.get_by_role("button", name=re.compile(name)).click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def log_out(p: Page) -> None:
    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()


def test_a_partner_comments_submits_inga_synpunkter_and_the_coordinator_answers(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    # Days from the clock the running portal shares: the room's year of planning began a
    # month ago, and the remiss is answered within two months.
    today = clock.today()
    starts_on = today - timedelta(days=30)
    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(dev_portal + "/rum/ny")
    p.get_by_label("Mall").select_option(
        label="Riktlinjer för trygghets- och säkerhetsarbetet (version 1)"
    )
    p.get_by_label("Namn").fill("Riktlinjer 2026")
    p.get_by_label("Startdatum").fill(starts_on.isoformat())
    p.get_by_label("Slutdatum").fill((starts_on + timedelta(days=340)).isoformat())
    p.get_by_role("button", name="Öppna rummet").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Riktlinjer 2026")
    p.locator("label", has_text="AB Botkyrkabyggen").click()
    p.get_by_role("button", name="Bjud in valda organisationer").click()
    room_url = p.url.split("#")[0]
    p.get_by_role("link", name="Planer i rummet").click()
    p.get_by_label("Titel").fill("Riktlinjer för trygghet")
    p.get_by_role("button", name="Skapa planen").click()
    p.locator("#nytt-heading").fill("Syfte")
    p.locator("#nytt-body").fill("Riktlinjernas syfte.")
    p.get_by_role("button", name="Lägg till avsnittet").click()
    p.get_by_label("Vad har ändrats?").fill("Remissversionen")
    p.get_by_role("button", name="Publicera version 1").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Riktlinjer för trygghet")
    plan_url = p.url.split("#")[0]
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(room_url)
    p.get_by_text("Vi deltar", exact=True).click()  # nothing is chosen in advance
    p.get_by_role("button", name="Skicka svaret").click()
    expect(p.get_by_text(re.compile(r"^AB Botkyrkabyggen – Deltar"))).to_be_visible()
    p.goto(plan_url)
    p.get_by_label("Kommentera avsnittet Syfte").fill("Nämn bostadsbolagens roll.")
    p.get_by_role("button", name="Skicka kommentaren").first.click()
    expect(p.locator(".portal-comment").first).to_contain_text("Nämn bostadsbolagens roll.")
    page.assert_accessible()
    log_out(p)

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(room_url)
    p.get_by_role("link", name="Remisser").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Remisser i Riktlinjer 2026")
    page.assert_accessible()
    p.get_by_label("Sista dag för yttranden").fill((today + timedelta(days=60)).isoformat())
    p.get_by_role("button", name="Skicka på remiss").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Remiss: Riktlinjer för trygghet, version 1"
    )
    page.assert_accessible()
    consultation_url = p.url
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(consultation_url)
    page.assert_accessible()
    # "Inga synpunkter" is signed from a page that first shows what is signed.
    p.get_by_role("link", name="Inga synpunkter – granska och signera").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Granska yttrandet innan du signerar")
    signed = p.get_by_role("region", name="Yttrande som signeras")
    expect(signed).to_contain_text("Riktlinjer för trygghet, version 1")
    expect(signed).to_contain_text("Inga synpunkter")
    expect(signed).to_contain_text("Erik Öberg, för AB Botkyrkabyggen")
    page.assert_accessible()
    p.get_by_role("link", name="Avbryt").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Remiss: Riktlinjer för trygghet, version 1"
    )
    expect(p.locator("main")).to_contain_text("Inte lämnat")  # cancelled: nothing signed
    p.get_by_role("link", name="Inga synpunkter – granska och signera").click()
    p.get_by_role("button", name="Skicka och signera").click()
    expect(p.locator("#meddelanden")).to_contain_text("Yttrandet är lämnat.")
    expect(p.locator("main")).to_contain_text("Undertecknat av Erik Öberg, AB Botkyrkabyggen")
    page.assert_accessible()
    log_out(p)

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(consultation_url)
    p.get_by_role("link", name="Sammanställning och kommunens svar").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Sammanställning: Riktlinjer för trygghet, version 1"
    )
    page.assert_accessible()
    statement = p.locator("article", has_text="Inga synpunkter")
    # FKUI hides the radio input itself: click its label, as a person does.
    statement.locator("label", has_text=re.compile(r"^Tillgodosedd$")).click()
    statement.get_by_role("button", name="Spara svaret").click()
    expect(p.locator("#meddelanden")).to_contain_text("Kommunens svar är sparat.")
    comment = p.locator("article", has_text="Nämn bostadsbolagens roll.")
    comment.locator("label", has_text="Delvis tillgodosedd").click()
    comment.get_by_label("Skäl").fill("Bolagens roll beskrivs i bilagan.")
    comment.get_by_role("button", name="Spara svaret").click()
    expect(p.locator("#meddelanden")).to_contain_text("Kommunens svar är sparat.")
    expect(p.locator("article", has_text="Nämn bostadsbolagens roll.")).to_contain_text(
        "Bolagens roll beskrivs i bilagan."
    )
    expect(
        p.locator("article", has_text="Inga synpunkter").locator(".portal-response")
    ).to_contain_text("Tillgodosedd")
    page.assert_accessible()
