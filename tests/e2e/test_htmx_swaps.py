"""After htmx swaps content in, the page is still accessible, focus lands where the template
means it to (the saved section's heading, the error summary, the new comment, the edit form),
and news is spoken through a live region — for each feature that swaps: organisations' filter,
an item's status, the three structured deliverables, plan comments and an FRG call-out's answers.
(Consultations, meetings, actions, invitations, FRG availability and the follow-up's filters
have no htmx: they are plain forms and links, whose pages the route walk checks.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import CheckedPage
from tests.e2e.world import (
    ANONYMOUS,
    BYGGEN,
    FRG_BOTKYRKA,
    People,
    World,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def mark(p: Page) -> None:
    """Mark the document: a swap keeps the mark, a full page load would lose it."""
    p.evaluate("window.__sameDocument = true")


def assert_swapped_in_place(p: Page) -> None:
    assert p.evaluate("window.__sameDocument === true"), f"{p.url}: the page was reloaded"


def item_url(w: World, process: str, kind: str) -> str:
    room = w.room(process)
    return (
        f"{w.portal}/rum/{room}/organisationer/{w.organisation(BYGGEN)}"
        f"/punkter/{w.item(room, kind)}"
    )


def expect_status_message(p: Page, text: str | re.Pattern[str]) -> None:
    region = p.locator("#meddelanden")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_contain_text(text)


def expect_focused(locator: Locator) -> None:
    expect(locator).to_be_focused()


def refused_as_meant(checked: CheckedPage, path: str) -> None:
    """An invalid form is answered 400 with the form and its errors, which htmx swaps in (and,
    as htmx does for any 4xx, also reports on the console): take exactly those two records of
    this one refusal off the page's list of console errors."""
    expected = [e for e in checked.console_errors if e.endswith(f"{path}: 400")] + [
        e for e in checked.console_errors if f"Response Status Error Code 400 from {path}" in e
    ]
    assert len(expected) == 2, checked.console_errors
    for entry in expected:
        checked.console_errors.remove(entry)


def test_filtering_organisations(dev_portal: str, people: People) -> None:
    checked = people["coordinator"]
    p = checked.page
    p.goto(dev_portal + "/organisationer")
    mark(p)
    search = p.get_by_label("Sök namn eller organisationsnummer")
    search.fill("stiftelsen")
    expect(p.locator("#traffar")).to_have_text("2 organisationer")
    expect(p).to_have_url(re.compile(r"q=stiftelsen"))
    assert_swapped_in_place(p)
    expect(p.locator("#traffar")).to_have_attribute("aria-live", "polite")
    expect_focused(search)  # filtering while typing leaves focus where it is
    expect(p.get_by_role("link", name="Stiftelsen Hågelby")).to_be_visible()
    checked.assert_accessible()


def test_an_items_status(dev_portal: str, people: People) -> None:
    checked = people["main_contact"]
    p = checked.page
    url = item_url(World.of(dev_portal), "nodvatten", "water_needs")
    p.goto(url)
    mark(p)
    p.get_by_label("Läge", exact=True).select_option("not_applicable")
    p.get_by_role("button", name="Spara läget").click()
    summary = p.locator("#lage .portal-error-summary")
    expect_focused(summary)  # "not applicable" needs a reason
    expect(summary).to_have_attribute("role", "alert")
    refused_as_meant(checked, url.removeprefix(dev_portal) + "/lage")
    checked.assert_accessible()

    p.get_by_label("Läge", exact=True).select_option("in_progress")
    p.get_by_role("button", name="Spara läget").click()
    expect_focused(p.locator("#lage-rubrik"))
    expect_status_message(p, re.compile(r"\S"))
    assert_swapped_in_place(p)
    checked.assert_accessible()


def test_drinking_water_needs(dev_portal: str, people: People) -> None:
    checked = people["main_contact"]
    p = checked.page
    url = item_url(World.of(dev_portal), "nodvatten", "water_needs")
    p.goto(url)
    mark(p)
    vatten = p.locator("#vatten")
    vatten.get_by_role("button", name="Lägg till platsen").click()
    summary = vatten.locator(".portal-error-summary")
    expect_focused(summary)
    refused_as_meant(checked, url.removeprefix(dev_portal) + "/vatten")
    checked.assert_accessible()

    vatten.locator("#f-site").fill("Hemtjänsten Hallunda")
    vatten.locator("#f-category").select_option("care")
    vatten.locator("#f-persons").fill("40")
    vatten.locator("#f-litres_per_day").fill("200")
    vatten.locator("label[for=f-own_tank-nej]").click()
    vatten.get_by_role("button", name="Lägg till platsen").click()
    expect_focused(p.locator("#vatten-rubrik"))
    expect(p.get_by_role("rowheader", name="Hemtjänsten Hallunda")).to_be_visible()
    expect_status_message(p, re.compile(r"\S"))
    assert_swapped_in_place(p)
    checked.assert_accessible()

    p.get_by_role("link", name="Ändra – Hemtjänsten Hallunda").click()
    expect(p.locator("#vatten-formular")).to_have_text("Ändra plats")
    expect_focused(p.locator("#vatten-formular"))  # the form it opened, not the page's top
    expect(p.locator("#f-site")).to_have_value("Hemtjänsten Hallunda")
    assert_swapped_in_place(p)
    checked.assert_accessible()


def test_styrel_users(dev_portal: str, people: People) -> None:
    checked = people["main_contact"]
    p = checked.page
    p.goto(item_url(World.of(dev_portal), "el_styrel", "styrel_users"))
    mark(p)
    p.get_by_role("link", name="Ändra – Trygghetsboendet Tumba").click()
    expect(p.locator("#styrel-formular")).to_have_text("Ändra elanvändare")
    expect_focused(p.locator("#styrel-formular"))
    checked.assert_accessible()

    p.get_by_role("button", name="Lägg till anslutningspunkt").click()
    expect_focused(p.locator("#f-gsrn-2"))  # the new, empty point
    assert_swapped_in_place(p)
    checked.assert_accessible()

    p.locator("#f-activity").fill("Trygghetsboende för äldre")
    p.get_by_role("button", name="Spara ändringarna").click()
    expect_focused(p.locator("#styrel-rubrik"))
    expect(p.locator("#styrel")).to_contain_text("Trygghetsboende för äldre")
    expect_status_message(p, re.compile(r"\S"))
    assert_swapped_in_place(p)
    checked.assert_accessible()


def test_readiness_status(dev_portal: str, people: People) -> None:
    checked = people["main_contact"]
    p = checked.page
    p.goto(item_url(World.of(dev_portal), "hojd_beredskap", "readiness_status"))
    mark(p)
    p.locator("#beredskap label", has_text="Ja").first.click()
    p.locator("#beredskap").get_by_role("button").last.click()
    expect_focused(p.locator("#beredskap-rubrik"))
    expect_status_message(p, re.compile(r"\S"))
    assert_swapped_in_place(p)
    checked.assert_accessible()


def test_commenting_on_a_plan(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    checked = people["member"]
    p = checked.page
    room = w.room("riktlinjer")
    plan = w.one("SELECT id FROM plan WHERE room_id = ?", room)
    p.goto(f"{dev_portal}/rum/{room}/planer/{plan}")
    mark(p)
    section = w.one("SELECT id FROM plan_section WHERE heading = 'Syfte'")
    box = p.get_by_label("Kommentera avsnittet Syfte")
    box.fill("Bra att tryggheten nämns redan i syftet.")
    p.locator(f"form:has(#kommentar-ny-{section})").get_by_role(
        "button", name="Skicka kommentaren"
    ).click()
    comments = p.locator(f"#kommentarer-{section} .portal-comment")
    comment = comments.last
    expect(comment).to_contain_text("Bra att tryggheten nämns redan i syftet.")
    expect_focused(comment)  # the reader lands on what they just said
    expect(box).to_have_value("")
    assert_swapped_in_place(p)
    checked.assert_accessible()

    # The next comment goes after the last, the focus on it (not on the one before), and the
    # count follows.
    before = comments.count()
    send = p.locator(f"form:has(#kommentar-ny-{section})").get_by_role("button")
    heading = p.locator(f"#kommentarer-{section} h3")
    box.fill("Och i målen.")
    send.click()
    expect(comments).to_have_count(before + 1)
    expect(comments.last).to_contain_text("Och i målen.")
    expect_focused(comments.last)
    expect(heading).to_contain_text(f"{before + 1} kommentarer")

    # A reply: in the thread it answers, the focus on it, every other comment still there.
    thread = p.locator(f"#kommentarer-{section} .portal-thread", has_text="Bra att tryggheten")
    thread.locator("summary").click()
    thread.get_by_label("Ditt svar").fill("Håller med.")
    thread.get_by_role("button", name="Skicka svaret").click()
    reply = thread.locator(".portal-replies .portal-comment", has_text="Håller med.")
    expect_focused(reply)
    expect(comments).to_have_count(before + 2)
    expect(heading).to_contain_text(f"{before + 2} kommentarer")

    # Refused, then taken: the refusal is gone with the next comment.
    alert = p.locator(f"#kommentarer-{section} [role=alert]")
    box.fill("   ")
    send.click()
    expect(alert).to_contain_text("Skriv en kommentar.")
    expect_focused(alert)
    refused_as_meant(checked, f"/rum/{room}/planer/{plan}/avsnitt/{section}/kommentarer")
    box.fill("Och i åtgärderna.")
    send.click()
    expect_focused(comments.last)
    expect(comments.last).to_contain_text("Och i åtgärderna.")
    expect(alert).to_have_count(0)
    expect(heading).to_contain_text(f"{before + 3} kommentarer")
    assert_swapped_in_place(p)
    checked.assert_accessible()


def test_answers_arrive_on_an_open_callout(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    lead = people["frg_lead"]
    p = lead.page
    callout = w.one("SELECT min(id) FROM frg_callout")
    p.goto(f"{dev_portal}/frg/{w.organisation(FRG_BOTKYRKA)}/ledning/utlarmningar/{callout}")
    mark(p)
    summary = p.locator("#svar-summering")
    expect(summary).to_have_attribute("role", "status")
    expect(summary).to_contain_text("0 ja")

    volunteer = people[ANONYMOUS].page  # the volunteer answers from the mail, not logged in
    volunteer.goto(w.mail_link("/frg/svar/", to="lina.virtanen@example.se"))
    volunteer.get_by_role("button", name="Ja, jag kommer").click()
    expect(volunteer.locator("#meddelanden")).to_have_text("Tack! Du har svarat ja.")

    expect(summary).to_contain_text("1 ja", timeout=15_000)  # polled every four seconds
    expect(p.locator("#svar")).to_contain_text("Lina Virtanen")
    assert_swapped_in_place(p)
    lead.assert_accessible()
