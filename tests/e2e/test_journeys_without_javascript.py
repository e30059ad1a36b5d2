"""The portal works without JavaScript: one real task per persona in a browser with JavaScript
switched off, each a form posted and answered with a redirect (303) to the page that shows the
result — nothing depends on htmx or the portal's scripts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from partner_portal.platform import clock
from tests.e2e.world import BYGGEN, FRG_BOTKYRKA, People, World

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal, java_script_enabled=False)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def post_and_follow(p: Page, submit: Callable[[], None]) -> Response:
    """Submit a form; assert the portal answered the POST with 303 See Other, and return the
    page it redirected to (which must answer 200)."""
    with p.expect_response(lambda r: r.request.method == "POST") as posted:
        submit()
    assert posted.value.status == 303, (posted.value.url, posted.value.status)
    p.wait_for_load_state()
    return posted.value


def test_javascript_is_off(dev_portal: str, people: People) -> None:
    p = people["coordinator"].page
    p.goto(dev_portal + "/")
    p.set_content("<p id='x'>av</p><script>document.getElementById('x').textContent='på'</script>")
    expect(p.locator("#x")).to_have_text("av")


def test_the_coordinator_gives_an_organisation_an_action(dev_portal: str, people: People) -> None:
    p = people["coordinator"].page
    p.goto(dev_portal + "/atgarder/ny")
    p.get_by_label("Fas").select_option(index=1)
    p.get_by_label("Åtgärd", exact=True).fill("Uppdatera kontaktlistan för kriskommunikation")
    p.get_by_label("Ägs av organisation").select_option(label=BYGGEN)
    p.get_by_label("Sista dag").fill((clock.today() + timedelta(days=30)).isoformat())
    post_and_follow(p, lambda: p.get_by_role("button", name="Skapa åtgärden").click())
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Uppdatera kontaktlistan för kriskommunikation"
    )
    expect(p).to_have_url(re.compile(r"/atgarder/\d+$"))


def test_a_main_contact_answers_a_meeting_invitation(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    p = people["main_contact"].page
    meeting = w.one("SELECT id FROM meeting WHERE room_id IS NULL")
    p.goto(f"{dev_portal}/moten/{meeting}")
    expect(p.get_by_role("heading", name="Kommer du?")).to_be_visible()
    p.locator("label[for=rsvp-yes]").click()
    post_and_follow(p, lambda: p.get_by_role("button", name="Skicka svaret").click())
    expect(p.locator("main")).to_contain_text("Ditt svar: Ja")


def test_a_member_comments_on_a_plan(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    p = people["member"].page
    room = w.room("riktlinjer")
    plan = w.one("SELECT id FROM plan WHERE room_id = ?", room)
    p.goto(f"{dev_portal}/rum/{room}/planer/{plan}")
    p.get_by_label("Kommentera avsnittet Samverkan med externa parter").fill(
        "Bra att bolagen är med i samverkansrådet."
    )
    section = w.one("SELECT id FROM plan_section WHERE heading = 'Samverkan med externa parter'")
    form = p.locator(f"form:has(#kommentar-ny-{section})")
    post_and_follow(p, lambda: form.get_by_role("button", name="Skicka kommentaren").click())
    expect(p.locator(f"#kommentarer-{section}")).to_contain_text(
        "Bra att bolagen är med i samverkansrådet."
    )


def test_the_follow_up_reader_filters_and_answers_the_council_meeting(
    dev_portal: str, people: People
) -> None:
    w = World.of(dev_portal)
    p = people["followup_reader"].page
    p.goto(dev_portal + "/uppfoljning")
    first = clock.today().replace(month=1, day=1)
    p.locator("#f-fran").fill(first.isoformat())
    p.get_by_role("button", name="Visa").click()  # a GET form: the choice is in the address
    expect(p).to_have_url(re.compile(rf"fran={first.isoformat()}"))
    expect(p.get_by_role("heading", level=1)).to_have_text("Uppföljning av deltagandet")

    meeting = w.one("SELECT id FROM meeting WHERE room_id IS NULL")
    p.goto(f"{dev_portal}/moten/{meeting}")
    p.locator("label[for=rsvp-maybe]").click()
    post_and_follow(p, lambda: p.get_by_role("button", name="Skicka svaret").click())
    expect(p.locator("main")).to_contain_text("Ditt svar: Kanske")


def test_the_frg_lead_adds_a_skill(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    p = people["frg_lead"].page
    p.goto(f"{dev_portal}/frg/{w.organisation(FRG_BOTKYRKA)}/ledning/kompetenser")
    p.get_by_label("Namn").fill("Språk: tigrinja")
    post_and_follow(p, lambda: p.get_by_role("button", name="Lägg till på listan").click())
    expect(p.locator("main")).to_contain_text("Språk: tigrinja")


def test_a_volunteer_reports_an_absence(dev_portal: str, people: People) -> None:
    w = World.of(dev_portal)
    p = people["volunteer"].page
    p.goto(f"{dev_portal}/frg/{w.organisation(FRG_BOTKYRKA)}/tillganglighet")
    start = clock.today() + timedelta(days=20)
    p.get_by_label("Från och med").fill(start.isoformat())
    p.get_by_label("Till och med").fill((start + timedelta(days=6)).isoformat())
    post_and_follow(p, lambda: p.get_by_role("button", name="Lägg till frånvaro").click())
    expect(p.get_by_role("button", name=re.compile(r"^Ta bort"))).to_be_visible()
