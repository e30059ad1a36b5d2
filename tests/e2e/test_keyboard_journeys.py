"""One real task per persona with the keyboard alone — Tab, Shift+Tab, Enter, Space and the
arrow keys (and typing into fields) — and at every stop the focused element shows that it has
focus. Each journey starts where a person would arrive (their start page, or a page a mail or
bookmark leads to) and ends with the portal having done the task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from partner_portal.platform import clock
from tests.e2e.world import (
    BYGGEN,
    FRG_BOTKYRKA,
    People,
    World,
    focus_is_visible,
    tab_to,
    type_moment,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def nav_link(p: Page, name: str) -> None:
    """From the top of the page: Tab to the main menu's link and follow it with Enter."""
    tab_to(p, p.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name))
    enter_and_load(p)


def enter_and_load(p: Page) -> None:
    """Press Enter on a link or a form's button, and wait for the page it leads to."""
    with p.expect_navigation():
        p.keyboard.press("Enter")


def start_at(p: Page, url: str) -> None:
    p.goto(url)
    expect(p.get_by_role("heading", level=1)).to_be_visible()


def test_the_coordinator_opens_a_room_and_invites_an_organisation(
    dev_portal: str, people: People
) -> None:
    checked = people["coordinator"]
    p = checked.page
    start_at(p, dev_portal + "/")
    nav_link(p, "Planeringsrum")
    expect(p.get_by_role("heading", level=1)).to_have_text("Planeringsrum")
    tab_to(p, p.get_by_role("link", name="Öppna planeringsrum"))
    enter_and_load(p)

    tab_to(p, p.get_by_label("Mall"))
    p.keyboard.press("ArrowDown")  # the first template in the list
    expect(p.get_by_label("Mall")).not_to_have_value("")
    tab_to(p, p.get_by_label("Namn"))
    name = f"Nödvatten – övning {clock.today().year}"
    p.keyboard.type(name)
    tab_to(p, p.get_by_label("Startdatum"))
    type_moment(p, clock.today())
    tab_to(p, p.get_by_label("Slutdatum"))
    type_moment(p, clock.today() + timedelta(days=120))
    tab_to(p, p.get_by_role("button", name="Öppna rummet"))
    enter_and_load(p)
    expect(p.get_by_role("heading", level=1)).to_have_text(name)
    checked.assert_accessible()

    tab_to(p, p.get_by_role("checkbox", name="Botkyrka Stadsnät AB"))
    p.keyboard.press("Space")
    expect(p.get_by_role("checkbox", name="Botkyrka Stadsnät AB")).to_be_checked()
    tab_to(p, p.get_by_role("button", name="Bjud in valda organisationer"))
    enter_and_load(p)
    expect(p.get_by_text(re.compile(r"^Botkyrka Stadsnät AB – Inbjuden"))).to_be_visible()
    checked.assert_accessible()


def test_a_main_contact_invites_a_colleague(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    checked = people["main_contact"]
    p = checked.page
    start_at(p, f"{dev_portal}/organisationer/{w.organisation(BYGGEN)}")
    email = p.get_by_role("textbox", name="E-postadress")
    tab_to(p, email)
    p.keyboard.type("karin.holm@botkyrkabyggen.example")
    tab_to(p, p.get_by_label("Roll", exact=True))
    p.keyboard.press("ArrowDown")
    p.keyboard.press("ArrowUp")  # there and back: the arrows choose, nothing is sent
    tab_to(p, p.get_by_role("button", name="Skicka inbjudan"))
    enter_and_load(p)
    expect(p.get_by_text("karin.holm@botkyrkabyggen.example", exact=True)).to_be_visible()
    checked.assert_accessible()


def test_a_member_comments_on_a_plan_section(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    checked = people["member"]
    p = checked.page
    start_at(p, dev_portal + "/")
    nav_link(p, "Planeringsrum")
    room = w.room("riktlinjer")
    tab_to(p, p.locator(f"a[href='/rum/{room}']"))
    enter_and_load(p)
    tab_to(p, p.get_by_role("link", name="Planer i rummet"))
    enter_and_load(p)
    tab_to(p, p.get_by_role("link", name="Riktlinjer för trygghets- och säkerhetsarbetet"))
    enter_and_load(p)
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Riktlinjer för trygghets- och säkerhetsarbetet"
    )
    box = p.get_by_label("Kommentera avsnittet Ansvar och roller")
    tab_to(p, box)
    p.keyboard.type("Vem ersätter kontaktpersonen under semestern?")
    p.keyboard.press("Tab")
    focus_is_visible(p)
    expect(p.locator(":focus")).to_have_text("Skicka kommentaren")
    p.keyboard.press("Enter")
    comment = p.locator(".portal-comment", has_text="Vem ersätter kontaktpersonen")
    expect(comment).to_be_focused()
    checked.assert_accessible()


def test_the_follow_up_reader_opens_the_matrix_and_a_drill_down(
    dev_portal: str, people: People
) -> None:
    checked = people["followup_reader"]
    p = checked.page
    start_at(p, dev_portal + "/")
    nav_link(p, "Uppföljning")
    expect(p.get_by_role("heading", level=1)).to_have_text("Uppföljning av deltagandet")
    cell = p.get_by_role("link", name="Tackade ja – AB Botkyrkabyggen, Nödvatten")
    tab_to(p, cell)
    enter_and_load(p)
    expect(p.get_by_role("heading", level=1)).to_have_text("AB Botkyrkabyggen: Nödvatten")
    checked.assert_accessible()
    tab_to(p, p.get_by_role("link", name="Uppföljning", exact=True).first, backwards=True)
    focus_is_visible(p)


def test_the_frg_lead_sends_a_callout(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    checked = people["frg_lead"]
    p = checked.page
    start_at(p, f"{dev_portal}/frg/{w.organisation(FRG_BOTKYRKA)}/ledning")
    tab_to(p, p.get_by_role("link", name="Ny utlarmning").first)
    enter_and_load(p)
    tab_to(p, p.get_by_label("Rubrik"))
    p.keyboard.type("Övning: stöd vid evakueringsplatsen i Fittja")
    tab_to(p, p.locator("#f-place"))
    p.keyboard.type("Fittja gård")
    start = (clock.local_now() + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )
    tab_to(p, p.get_by_label("Start", exact=True))
    type_moment(p, start)
    tab_to(p, p.get_by_label("Slut", exact=True))
    type_moment(p, start + timedelta(hours=3))
    tab_to(p, p.get_by_label("Antal personer som behövs"))
    p.keyboard.press("ArrowUp")  # from the one person proposed by default, to two
    expect(p.get_by_label("Antal personer som behövs")).to_have_value("2")
    tab_to(p, p.get_by_role("button", name="Föreslå mottagare"))
    enter_and_load(p)
    expect(p.get_by_text(re.compile(r"föreslagn"))).to_be_visible()
    tab_to(p, p.get_by_role("button", name="Skicka utlarmningen"))
    enter_and_load(p)
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Övning: stöd vid evakueringsplatsen i Fittja"
    )
    checked.assert_accessible()


def test_a_volunteer_answers_for_the_week(dev_portal: str, people: People) -> None:
    checked = people["volunteer"]
    p = checked.page
    start_at(p, dev_portal + "/")
    nav_link(p, "FRG")
    tab_to(p, p.get_by_role("link", name=re.compile("Tillgänglighet")).first)
    enter_and_load(p)
    expect(p.get_by_role("heading", level=1)).to_have_text("Tillgänglighet")
    tab_to(p, p.get_by_role("button", name="Inte denna vecka"))
    with p.expect_navigation():
        p.keyboard.press("Space")
    expect(p.locator("#meddelanden")).to_have_text("Ditt svar för den här veckan är sparat.")
    expect(p.get_by_text("Inte tillgänglig den här veckan")).to_be_visible()
    checked.assert_accessible()
