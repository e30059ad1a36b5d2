"""FRG on a phone (375 px wide) in Chromium against `partner-portal dev`: the lead invites a
volunteer, who registers and sets availability; the lead sends a call-out; the volunteer
answers "Ja" from the email link without logging in, and the lead's open page shows it live.
Every page passes axe, has no horizontal scroll, and its main buttons are at least 44 px."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage
from tests.e2e.world import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE: ViewportSize = {"width": 375, "height": 740}
EMAIL = "ny.frivillig@example.se"
INVITATION = re.compile(r"http://127\.0\.0\.1:\d+/frg/inbjudan/[A-Za-z0-9_-]+")


def phone_page(browser: Browser, portal: str) -> CheckedPage:
    context = browser.new_context(locale="sv-SE", viewport=PHONE, has_touch=True, is_mobile=True)
    return CheckedPage(context.new_page(), portal)


def assert_fits_a_phone(p: Page) -> None:
    width = p.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{p.url} scrolls sideways: {width} px"
    buttons = p.locator(".frg-primary")
    assert buttons.count() > 0, p.url
    for button in buttons.all():
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 44, (p.url, button.inner_text(), box)
        assert box["width"] >= 44, (p.url, button.inner_text(), box)


def log_in_as(p: Page, portal: str, name: str) -> None:
    p.goto(portal + "/auth/login")
    p.get_by_role("button", name=re.compile(name)).click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def log_out(p: Page) -> None:
    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()


def mail_text(p: Page, portal: str, to: str, subject: str) -> str:
    """The text of the newest mail to ``to`` with ``subject`` in the development mail catcher."""
    for _ in range(60):  # the in-process worker delivers within a few seconds
        p.goto(portal + "/dev/mail")
        article = p.locator("article", has_text=to).filter(has_text=subject)
        if article.count():
            return article.first.inner_text()
        time.sleep(0.3)
    raise AssertionError(f"no mail to {to} about {subject}")


def test_a_volunteer_registers_and_answers_a_callout_from_the_phone(
    dev_portal: str, page: CheckedPage, browser: Browser
) -> None:
    lead = page.page
    lead.set_viewport_size(PHONE)
    log_in_as(lead, dev_portal, "Johan Ärlig")
    menu_link(lead, "FRG").click()
    lead.get_by_role("link", name="FRG Botkyrka").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("FRG Botkyrka")
    expect(lead.get_by_role("row", name=re.compile("Lina Virtanen"))).to_be_visible()
    page.assert_accessible()
    lead.get_by_role("textbox", name="E-postadress").fill(EMAIL)
    lead.get_by_role("button", name="Skicka inbjudan").click()
    expect(lead.locator("#meddelanden")).to_have_text("Inbjudan är skickad.")
    log_out(lead)

    # The volunteer, on a phone: from the invitation mail to a registration.
    phone = phone_page(browser, dev_portal)
    v = phone.page
    link = INVITATION.search(mail_text(v, dev_portal, EMAIL, "Inbjudan att bli FRG-medlem"))
    assert link
    v.goto(link.group(0))
    expect(v.get_by_role("heading", level=1)).to_have_text("Bli medlem i FRG Botkyrka")
    assert_fits_a_phone(v)
    phone.assert_accessible()
    v.get_by_role("link", name="Logga in för att gå med").click()
    v.get_by_label("Identitet (sub)").fill(EMAIL)
    v.get_by_role("button", name="Logga in", exact=True).click()
    v.get_by_role("button", name="Gå med i FRG").click()
    expect(v.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(v.get_by_role("heading", name="Så används dina uppgifter")).to_be_visible()
    assert_fits_a_phone(v)
    phone.assert_accessible()
    name = re.search(r"Namn: (.+) \(från din inloggning\)", v.locator("main").inner_text())
    assert name
    volunteer_name = name.group(1)
    v.get_by_label("Telefon").fill("070-246 80 24")
    v.locator("#f-email").fill(EMAIL)
    v.locator("label", has_text="Körkort B").first.click()
    v.locator("label", has_text="Jag har läst informationen").click()
    v.get_by_role("button", name="Spara mina uppgifter").click()

    expect(v.get_by_role("heading", level=1)).to_have_text("Tillgänglighet")
    expect(v.locator("#meddelanden")).to_have_text("Ditt veckoschema är sparat.")
    assert_fits_a_phone(v)
    phone.assert_accessible()
    for label in v.locator("fieldset.frg-day label").all():
        label.click()  # every part of every day
    v.get_by_role("button", name="Spara veckoschemat").click()
    expect(v.locator("input[name=slot]:checked")).to_have_count(28)
    v.get_by_role("button", name="Tillgänglig denna vecka").click()
    expect(v.get_by_text("Tillgänglig hela veckan")).to_be_visible()
    phone.assert_accessible()
    v.get_by_role("link", name="Mina sparade data").click()
    expect(v.get_by_role("heading", level=1)).to_have_text("Mina sparade data")
    expect(v.locator("main")).to_contain_text("070-246 80 24")
    assert v.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.assert_accessible()
    menu_link(v, "FRG").click()
    expect(v.get_by_role("heading", level=2, name="Där du är frivillig")).to_be_visible()
    assert_fits_a_phone(v)
    phone.assert_accessible()
    log_out(v)

    # The lead sends a call-out; the portal proposes the new volunteer among others.
    log_in_as(lead, dev_portal, "Johan Ärlig")
    lead.goto(dev_portal + "/frg")
    lead.get_by_role("link", name="FRG Botkyrka").click()
    lead.get_by_role("link", name="Ny utlarmning").first.click()
    page.assert_accessible()
    start = clock.local_now() + timedelta(minutes=30)
    lead.locator("#f-title").fill("Övning: vattenutdelning i Alby")
    lead.locator("#f-place").fill("Alby torg")
    lead.locator("#f-starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    lead.locator("#f-ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    lead.locator("#f-people_needed").fill("1")
    lead.get_by_role("button", name="Föreslå mottagare").click()
    expect(lead.get_by_text(re.compile(r"\d+ föreslag(en|na)"))).to_be_visible()
    page.assert_accessible()
    choice = lead.get_by_role("checkbox", name=volunteer_name)
    if not choice.is_checked():
        lead.locator("label", has_text=volunteer_name).click()
    lead.get_by_role("button", name="Skicka utlarmningen").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Övning: vattenutdelning i Alby")
    expect(lead.locator("#svar-summering")).to_contain_text("0 ja")
    page.assert_accessible()

    # The volunteer answers Ja from the mail, logged out, on the phone.
    mail = mail_text(v, dev_portal, EMAIL, "FRG-övning: Övning: vattenutdelning i Alby")
    yes = re.search(r"JA, jag kommer: (\S+)", mail)
    assert yes
    v.goto(yes.group(1))
    expect(v.get_by_role("heading", level=1)).to_have_text("Övning: vattenutdelning i Alby")
    expect(v.get_by_text("Bekräfta att du kan komma:")).to_be_visible()
    assert_fits_a_phone(v)
    phone.assert_accessible()
    v.get_by_role("button", name="Ja, jag kommer").click()
    expect(v.locator("#meddelanden")).to_have_text("Tack! Du har svarat ja.")
    phone.assert_accessible()

    # The lead's page, left open, shows the answer without a reload.
    expect(lead.locator("#svar-summering")).to_contain_text("1 ja", timeout=15_000)
    expect(lead.locator("#svar").get_by_text(volunteer_name)).to_be_visible()
    page.assert_accessible()
    assert phone.console_errors == []
    phone.page.context.close()
