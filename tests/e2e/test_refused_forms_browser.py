"""Refused forms keep every choice, and nothing formal is signed in one click (issue 14), in
Chromium against `partner-portal dev`: a main contact who declines without a reason gets the
error with "Vi avstår" still chosen; "Inga synpunkter" is signed from a confirmation page that
works with JavaScript switched off. Every page passes axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from partner_portal.platform import clock
from tests.e2e.conftest import CheckedPage
from tests.e2e.world import BYGGEN, People, World

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


@pytest.fixture(scope="module")
def without_javascript(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal, java_script_enabled=False)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def test_a_refused_decline_comes_back_as_a_decline(dev_portal: str, people: People) -> None:
    anna, erik = people["coordinator"], people["main_contact"]
    a = anna.page
    a.goto(dev_portal + "/rum/ny")
    a.get_by_label("Mall").select_option(label="El och styrel (version 1)")
    a.get_by_label("Namn").fill("Styrel med avstående")
    a.get_by_label("Startdatum").fill(clock.today().isoformat())
    a.get_by_label("Slutdatum").fill((clock.today() + timedelta(days=340)).isoformat())
    a.get_by_role("button", name="Öppna rummet").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("Styrel med avstående")
    a.locator("label", has_text=BYGGEN).click()
    a.get_by_role("button", name="Bjud in valda organisationer").click()
    expect(a.get_by_text(re.compile(rf"^{BYGGEN} – Inbjuden"))).to_be_visible()
    room_url = a.url.split("#")[0]

    e = erik.page
    e.goto(room_url)
    answer = e.get_by_role("group", name=f"Svar för {BYGGEN}")
    accept, decline = answer.get_by_label("Vi deltar"), answer.get_by_label("Vi avstår")
    expect(accept).not_to_be_checked()  # nothing is chosen in advance
    expect(decline).not_to_be_checked()
    erik.assert_accessible()

    e.get_by_role("button", name="Skicka svaret").click()  # nothing chosen
    expect(e.locator(".portal-error-summary")).to_contain_text(
        "Välj om organisationen deltar eller avstår."
    )
    expect(accept).not_to_be_checked()
    expect(decline).not_to_be_checked()
    erik.assert_accessible()

    e.locator("label", has_text="Vi avstår").click()
    e.get_by_role("button", name="Skicka svaret").click()  # no reason
    expect(e.locator(".portal-error-summary")).to_contain_text(
        "Skriv varför organisationen avstår."
    )
    expect(decline).to_be_checked()  # still a decline, not flipped to "Vi deltar"
    expect(accept).not_to_be_checked()
    erik.assert_accessible()
    e.locator(".portal-error-summary a", has_text="Skäl").click()
    expect(e.get_by_label("Skäl (krävs om ni avstår)")).to_be_focused()

    e.get_by_label("Skäl (krävs om ni avstår)").fill("Vi har inga elanvändare i kommunen.")
    e.get_by_role("button", name="Skicka svaret").click()
    # Declined, the room is no longer Erik's to see: the answer is confirmed on the room list.
    expect(e.locator("#meddelanden")).to_contain_text("organisationen avstår från rummet")
    erik.assert_accessible()
    a.goto(room_url)
    expect(a.get_by_text(re.compile(rf"^{BYGGEN} – Avstår"))).to_be_visible()
    expect(a.locator("main")).to_contain_text("Skäl: Vi har inga elanvändare i kommunen.")


def test_inga_synpunkter_is_confirmed_on_a_page_without_javascript(
    dev_portal: str, people: People, without_javascript: People
) -> None:
    w = World.of(dev_portal)
    guide = w.room("riktlinjer")
    anna = people["coordinator"].page
    anna.goto(f"{dev_portal}/rum/{guide}/remisser")
    anna.get_by_label("Sista dag för yttranden").fill(
        (clock.today() + timedelta(days=30)).isoformat()
    )
    anna.get_by_role("button", name="Skicka på remiss").click()
    expect(anna.get_by_role("heading", level=1)).to_contain_text("Remiss:")
    consultation_url = anna.url.split("?")[0]

    # With JavaScript, the confirmation page passes axe.
    checked = people["main_contact"]
    checked.page.goto(consultation_url)
    checked.page.get_by_role("link", name=re.compile("Inga synpunkter – granska")).click()
    expect(checked.page.get_by_role("heading", level=1)).to_have_text(
        "Granska yttrandet innan du signerar"
    )
    checked.assert_accessible()

    # Without JavaScript: cancel, then send and sign.
    erik: CheckedPage = without_javascript["main_contact"]
    e = erik.page
    e.goto(consultation_url)
    e.get_by_role("link", name=re.compile("Inga synpunkter – granska och signera")).click()
    expect(e.get_by_role("heading", level=1)).to_have_text("Granska yttrandet innan du signerar")
    signed = e.get_by_role("region", name="Yttrande som signeras")
    expect(signed).to_contain_text(BYGGEN)
    expect(signed).to_contain_text("Inga synpunkter")
    expect(signed).to_contain_text(f"Erik Öberg, för {BYGGEN}")
    expect(e.get_by_role("button", name="Skicka och signera")).to_be_visible()

    e.get_by_role("link", name="Avbryt").click()
    expect(e).to_have_url(consultation_url)
    expect(e.get_by_role("link", name=re.compile("Inga synpunkter – granska"))).to_be_visible()
    assert (
        w.one(
            "SELECT count(*) FROM statement WHERE consultation_id = ?",
            int(consultation_url.rsplit("/", 1)[1]),
        )
        == 0
    )

    e.get_by_role("link", name=re.compile("Inga synpunkter – granska och signera")).click()
    with e.expect_response(lambda r: r.request.method == "POST") as posted:
        e.get_by_role("button", name="Skicka och signera").click()
    assert posted.value.status == 303
    expect(e.locator("#meddelanden")).to_contain_text("Yttrandet är lämnat.")
    expect(e.locator("main")).to_contain_text(f"Undertecknat av Erik Öberg, {BYGGEN}")
