"""Every page, not chosen points: a walk over the route table itself.

Every route a browser can GET is either visited in Chromium — as a persona who may see it,
with real ids from the demo data `partner-portal dev` seeds — or listed in EXCLUDED with the
reason it is no HTML page. A route added to the table without either fails the walk.

A visited page must answer 200 with a page that passes axe (WCAG 2.1 A and AA) without console
errors at 1280 px and at 320 px (what 400 % zoom leaves of a 1280 px screen); at 1280, 375 and
320 px, and at 1280 and 320 px under the text spacing of WCAG 1.4.12, it must be no wider than
its window and cut nothing off (WCAG 1.4.10 reflow: wide tables scroll inside a labelled region
of their own, or stack). The same page load serves every width: the window is resized, not the
page reloaded. Its <title> must be one no other route's page has (WCAG 2.4.2). Colour contrast
that axe cannot decide must be of a kind a person has checked (world.CHECKED_CONTRAST).

At 320 px the walk keeps a full-page screenshot of the room page, the follow-up matrix and the
plan page for a person to look at: test-results/320px/ in the checkout (git-ignored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from starlette.responses import Response
from starlette.routing import BaseRoute

from partner_portal.auth.access import PUBLIC
from partner_portal.platform import clock, links
from partner_portal.routes import routes
from partner_portal.web import Ctx, PortalRoute
from tests.e2e.world import (
    ANONYMOUS,
    BYGGEN,
    DESKTOP,
    FRG_BOTKYRKA,
    PHONE,
    SBFF,
    ZOOMED,
    People,
    World,
    get_route_names,
    overflow,
    path_of,
    text_spacing,
    unchecked_contrast,
    unknown,
    unvisited,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.long]

TABLE = routes(dev_tools=True)

# Pages photographed at 320 px for review, and where (a test artefact, git-ignored).
SCREENSHOTS = {"room", "followup", "plan"}
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results" / "320px"

# GET routes that are no HTML page of their own, and why.
EXCLUDED: dict[str, str] = {
    "language": "switches the language and redirects back to the page one came from",
    "login": "redirects to the OpenID Provider",
    "login_callback": "the provider's redirect back: sets the session and redirects",
    "room_export": "a download (CSV or XLSX) of a room's deliverables",
    "questionnaire_export": "a download (CSV or XLSX) of a questionnaire's answers",
    "room_file": "a download of a file in a room",
    "consultation_export": "a download (DOCX, PDF or XLSX) of the compilation",
    "statement_no_objections": "the demo's statements are signed (it redirects): the step is "
    "walked, with axe, in test_consultation_browser and test_refused_forms_browser",
    "plan_threads": "an HTML fragment that htmx and the live updates swap into the plan page "
    "(checked after the swap in test_htmx_swaps.py)",
    "plan_comments_export": "a download (CSV or XLSX) of a plan's comments",
    "plan_events": "a stream of server-sent events for the live comments",
    "followup_report_pdf": "the follow-up report as PDF",
    "followup_export": "a download (CSV or XLSX) of the follow-up",
    "waiting_export": "a download (CSV or XLSX) of Väntar på svar",
    "vital_service_checks_export": "a download (CSV or XLSX) of the register's cross-checks",
    "api_openapi": "JSON: the follow-up API's description",
    "api_matrix": "JSON API for reporting tools (bearer token)",
    "api_organisations": "JSON API for reporting tools (bearer token)",
    "api_evidence": "JSON API for reporting tools (bearer token)",
    "api_not_found": "JSON 404 for anything else under /api",
    "meeting_ics": "an iCalendar download of one meeting",
    "meeting_series_ics": "an iCalendar download of a meeting series",
    "calendar_feed": "a person's iCalendar feed",
    "frg_export": "a download (JSON or CSV) of the volunteer's own data",
    "my_data_export": "a download (JSON) of everything the portal holds about the person",
    "crisis_pack_pdf": "the room's crisis pack as a PDF download",
    "crisis_pack_html": "the room's crisis pack as one HTML file to download (a document of its "
    "own, checked in tests/crisispack)",
    "contacts_export": "a download (CSV, XLSX or vCard) of the contact directory",
    "contacts_entry_vcard": "a vCard download of one organisation's crisis contacts",
    "healthz": "plain-text liveness probe for operations",
    "readyz": "plain-text readiness probe for operations",
    "static": "static files (CSS, JavaScript, images)",
}


@dataclass(frozen=True)
class Visit:
    route: str
    persona: str
    params: Mapping[str, object] = field(default_factory=dict)
    query: str = ""

    def url(self, table: list[BaseRoute]) -> str:
        return path_of(table, self.route, **self.params) + self.query


def visits(w: World, tokens: dict[str, str]) -> list[Visit]:
    """What the walk visits, as whom. Tokens: the one-time links from the mail and pages."""
    nod, guide = w.room("nodvatten"), w.room("riktlinjer")
    styrel, ready = w.room("el_styrel"), w.room("hojd_beredskap")
    byggen, sbff, frg = w.organisation(BYGGEN), w.organisation(SBFF), w.organisation(FRG_BOTKYRKA)
    omar = w.person("Omar Haddad")
    water = {"room_id": nod, "organisation_id": byggen, "item_id": w.item(nod, "water_needs")}
    styrel_item = {
        "room_id": styrel,
        "organisation_id": byggen,
        "item_id": w.item(styrel, "styrel_users"),
    }
    plan = {"room_id": guide, "plan_id": w.one("SELECT id FROM plan WHERE room_id = ?", guide)}
    held = w.one("SELECT id FROM meeting WHERE room_id = ?", guide)
    ahead = w.one("SELECT id FROM meeting WHERE room_id IS NULL")
    remiss = w.one("SELECT id FROM consultation WHERE room_id = ?", guide)
    series, poll = (
        w.one("SELECT max(id) FROM meeting_series"),
        w.one("SELECT max(id) FROM date_poll"),
    )
    entry = w.one("SELECT id FROM vital_service WHERE organisation_id = ?", byggen)
    vpc = {"room_id": w.one("SELECT id FROM room WHERE process = 'samverkan'")}
    rsa = w.room("rsa")
    rsa_item = {"room_id": rsa, "organisation_id": byggen, "item_id": w.item(rsa, "questionnaire")}
    tomorrow = clock.local_now().date() + timedelta(days=1)
    window = f"?starts_at={tomorrow}T08:00&ends_at={tomorrow}T12:00"
    return [
        # Anyone, not logged in
        Visit("home", ANONYMOUS),
        Visit("accessibility", ANONYMOUS),
        Visit("privacy", ANONYMOUS),
        Visit("dev_mail", ANONYMOUS),
        Visit("invitation_open", ANONYMOUS, {"token": tokens["invitation"]}),
        Visit("frg_invitation", ANONYMOUS, {"token": tokens["frg_invitation"]}),
        Visit("frg_signup_open", ANONYMOUS, {"token": tokens["frg_signup"]}),
        Visit("frg_answer", ANONYMOUS, {"token": tokens["frg_answer"]}),
        Visit("poll_link", ANONYMOUS, {"token": tokens["poll_link"]}),
        Visit("frg_confirm_availability", ANONYMOUS, {"token": tokens["frg_availability"]}),
        Visit("unsubscribe", ANONYMOUS, {"token": tokens["unsubscribe"]}),
        # The coordinator
        Visit("home", "coordinator"),
        Visit("organisations", "coordinator"),
        Visit("organisation_new", "coordinator"),
        Visit("organisation", "coordinator", {"organisation_id": sbff}),
        Visit("organisation_edit", "coordinator", {"organisation_id": sbff}),
        Visit("invitations", "coordinator"),
        Visit("rooms", "coordinator"),
        Visit("room_new", "coordinator"),
        Visit("room", "coordinator", {"room_id": nod}),
        Visit(
            "room_phase",
            "coordinator",
            {
                "room_id": nod,
                "phase_id": w.one(
                    "SELECT id FROM room_phase WHERE room_id = ? AND position = 2", nod
                ),
            },
        ),
        Visit(
            "room_item",  # handed in: the coordinator's review
            "coordinator",
            {
                "room_id": ready,
                "organisation_id": sbff,
                "item_id": w.item(ready, "readiness_status"),
            },
        ),
        Visit(
            "consultation_compilation", "coordinator", {"room_id": guide, "consultation_id": remiss}
        ),
        Visit("plan_draft", "coordinator", plan),
        Visit("plan_compare", "coordinator", plan),
        Visit("templates", "coordinator"),
        Visit(
            "template",
            "coordinator",
            {"template_id": w.one("SELECT id FROM process_template WHERE process = 'nodvatten'")},
        ),
        Visit("roles", "coordinator"),
        Visit("removals", "coordinator"),
        Visit("api_tokens", "coordinator"),
        Visit("meeting_new", "coordinator"),
        Visit("poll_new", "coordinator"),
        Visit("meeting_edit", "coordinator", {"meeting_id": ahead}),
        Visit(
            "meeting_decision_action",
            "coordinator",
            {
                "meeting_id": held,
                "decision_id": w.one("SELECT id FROM meeting_decision WHERE meeting_id = ?", held),
            },
        ),
        Visit("action_new", "coordinator"),
        Visit("audit_log", "coordinator"),
        Visit("failed_mail", "coordinator"),
        Visit("waiting", "coordinator"),
        Visit("frg", "coordinator"),
        Visit("vital_service_checks", "coordinator"),
        Visit("forums", "coordinator"),
        Visit("forum_new", "coordinator"),
        Visit("forum_agreement_edit", "coordinator", vpc),
        Visit("programme_new", "coordinator"),
        Visit(
            "programme_edit",  # the version made ahead of its first day (future_programme)
            "coordinator",
            {"programme_id": w.one("SELECT max(id) FROM programme_version")},
        ),
        Visit(
            "programme_answer",
            "coordinator",
            {"question_id": w.one("SELECT min(id) FROM followup_question WHERE rule = 'manual'")},
        ),
        # A partner organisation's main contact
        Visit("home", "main_contact"),
        Visit("organisation", "main_contact", {"organisation_id": byggen}),
        Visit("rooms", "main_contact"),
        Visit("room", "main_contact", {"room_id": styrel}),
        Visit("room_item", "main_contact", water),
        Visit(
            "water_edit",
            "main_contact",
            {**water, "row_id": w.one("SELECT min(id) FROM water_need WHERE room_id = ?", nod)},
        ),
        Visit("room_item", "main_contact", styrel_item),
        Visit(
            "styrel_edit",
            "main_contact",
            {
                **styrel_item,
                "row_id": w.one("SELECT min(id) FROM styrel_user WHERE room_id = ?", styrel),
            },
        ),
        Visit(
            "room_item",
            "main_contact",
            {
                "room_id": ready,
                "organisation_id": byggen,
                "item_id": w.item(ready, "readiness_status"),
            },
        ),
        Visit("room_files", "main_contact", {"room_id": ready}),
        Visit("crisis_pack", "main_contact", {"room_id": nod}),
        Visit("consultations", "main_contact", {"room_id": guide}),
        Visit("consultation", "main_contact", {"room_id": guide, "consultation_id": remiss}),
        Visit("meetings", "main_contact"),
        Visit("meeting_series", "main_contact", {"series_id": series}),
        Visit("polls", "main_contact"),
        Visit("poll", "main_contact", {"poll_id": poll}),
        Visit("poll", "coordinator", {"poll_id": poll}),
        Visit("meeting", "main_contact", {"meeting_id": held}),
        Visit("meeting", "main_contact", {"meeting_id": ahead}),
        Visit("calendar", "main_contact"),
        Visit("my_data", "main_contact"),
        Visit("preferences", "main_contact"),
        Visit("mail_preferences", "main_contact"),
        Visit("vital_services", "main_contact"),
        Visit("vital_service_new", "main_contact"),
        Visit("vital_service", "main_contact", {"service_id": entry}),
        Visit("questionnaire", "main_contact", rsa_item),
        Visit("room_item", "main_contact", rsa_item),
        Visit("vital_service_edit", "main_contact", {"service_id": entry}),
        Visit("styrel_from_register", "main_contact", {**styrel_item, "service_id": entry}),
        Visit("water_from_register", "main_contact", {**water, "service_id": entry}),
        Visit("forums", "main_contact"),
        Visit("forum", "main_contact", vpc),
        Visit("forum_agreement", "main_contact", vpc),
        Visit("contacts", "main_contact"),
        Visit("contacts_entry", "main_contact", {"organisation_id": byggen}),
        Visit("contacts_confirm_link", ANONYMOUS, {"token": tokens["contacts_confirm"]}),
        # A member (representant) of a partner organisation
        Visit("home", "member"),
        Visit("room", "member", {"room_id": guide}),
        Visit("plans", "member", {"room_id": guide}),
        Visit("plan", "member", plan),
        Visit(
            "plan_comment_edit",
            "member",
            {**plan, "comment_id": w.one("SELECT id FROM plan_comment WHERE author_id = ?", omar)},
        ),
        Visit("actions", "member"),
        Visit(
            "action",
            "member",
            {"action_id": w.one("SELECT id FROM action WHERE person_id = ?", omar)},
        ),
        # The follow-up reader
        Visit("home", "followup_reader"),
        Visit("followup", "followup_reader"),
        Visit(
            "followup_cell", "followup_reader", query=f"?organisation={byggen}&process=riktlinjer"
        ),
        Visit("followup_process", "followup_reader", {"process": "riktlinjer"}),
        Visit("followup_report", "followup_reader"),
        Visit("programmes", "followup_reader"),
        Visit(
            "programme",
            "followup_reader",
            {"programme_id": w.one("SELECT min(id) FROM programme_version")},
        ),
        # The FRG lead
        Visit("home", "frg_lead"),
        Visit("frg", "frg_lead"),
        Visit("frg_lead", "frg_lead", {"organisation_id": frg}),
        Visit("frg_skills", "frg_lead", {"organisation_id": frg}),
        Visit("frg_search", "frg_lead", {"organisation_id": frg}, query=window),
        Visit("frg_overview", "frg_lead", {"organisation_id": frg}),
        Visit("frg_callout_new", "frg_lead", {"organisation_id": frg}),
        Visit(
            "frg_callout",
            "frg_lead",
            {"organisation_id": frg, "callout_id": w.one("SELECT min(id) FROM frg_callout")},
        ),
        # An FRG volunteer
        Visit("home", "volunteer"),
        Visit("frg", "volunteer"),
        Visit("frg_profile", "volunteer", {"organisation_id": frg}),
        Visit("frg_availability", "volunteer", {"organisation_id": frg}),
        Visit("frg_my_data", "volunteer", {"organisation_id": frg}),
    ]


def may_see(visit: Visit) -> bool:
    """Whether the route's access policy lets the visit's persona in (object-level checks are
    the portal's to make: the visit must then answer 200)."""
    policy = next(r for r in TABLE if getattr(r, "name", None) == visit.route).access  # type: ignore[attr-defined]
    if policy.coordinator:
        return visit.persona == "coordinator"
    if policy.followup:
        return visit.persona in ("coordinator", "followup_reader")
    if policy.needs_login:
        return visit.persona != ANONYMOUS
    return True


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal, preload_axe=True)
    yield everyone
    everyone.close()


def one_time_links(w: World, people: People) -> dict[str, str]:
    """The tokens of the one-time links: from the mail the demo data sent, and made here the way
    people make them (a main contact invites a colleague, the FRG lead opens a sign-up link)."""
    erik = people["main_contact"].page
    erik.goto(w.portal + path_of(TABLE, "organisation", organisation_id=w.organisation(BYGGEN)))
    erik.get_by_role("textbox", name="E-postadress").fill("lisa.berg@botkyrkabyggen.example")
    erik.get_by_role("button", name="Skicka inbjudan").click()
    expect(erik.get_by_text("lisa.berg@botkyrkabyggen.example", exact=True)).to_be_visible()

    johan = people["frg_lead"].page
    johan.goto(w.portal + path_of(TABLE, "frg_lead", organisation_id=w.organisation(FRG_BOTKYRKA)))
    johan.get_by_role("button", name="Skapa ny anmälningslänk").click()
    signup = johan.locator("code.frg-link").inner_text()

    series_and_poll(w, people)
    future_programme(w, people)
    lina = "lina.virtanen@example.se"
    return {
        "invitation": w.mail_link("/inbjudan/", to="lisa.berg@botkyrkabyggen.example"),
        "frg_invitation": w.mail_link("/frg/inbjudan/", to="amira.hassan@example.se"),
        "frg_signup": signup,
        "frg_answer": w.mail_link("/frg/svar/", to=lina),
        "poll_link": w.mail_link("/omrostningar/svar/", to="erik.oberg@botkyrkabyggen.example"),
        "frg_availability": w.mail_link("/frg/tillganglighet/", to=lina),
        "unsubscribe": unsubscribe_link(w, "Omar Haddad"),
        "contacts_confirm": contacts_confirm_link(w, w.organisation(BYGGEN)),
    }


def series_and_poll(w: World, people: People) -> None:
    """A meeting series (in the drinking-water room, where AB Botkyrkabyggen takes part) and a
    date poll, made by the coordinator through the forms, as a coordinator makes them."""
    anna = people["coordinator"].page
    byggen = w.organisation(BYGGEN)
    ahead = clock.local_now().date() + timedelta(days=21)
    anna.goto(w.portal + path_of(TABLE, "meeting_new") + f"?rum={w.room('nodvatten')}")
    anna.locator("#f-title").fill("Avstämning nödvatten")
    anna.locator("#f-day").fill(ahead.isoformat())
    anna.locator("#f-start").fill("09:00")
    anna.locator("#f-end").fill("10:30")
    anna.locator("#f-place").fill("Kommunhuset, Tumba")
    anna.locator("#f-repeat_weeks").fill("6")
    anna.locator("#f-repeat_count").fill("4")
    anna.locator(f"label[for=org-{byggen}]").click()
    anna.get_by_role("button", name="Planera mötet och skicka inbjudan").click()
    expect(anna.get_by_text("Ett tillfälle i en mötesserie")).to_be_visible()

    anna.goto(w.portal + path_of(TABLE, "poll_new"))
    anna.locator("#f-title").fill("Planering av höstens övning")
    anna.locator("#f-place").fill("Kommunhuset, Tumba")
    for n in (1, 2, 3):
        anna.locator(f"#f-day-{n}").fill((ahead + timedelta(days=n)).isoformat())
        anna.locator(f"#f-start-{n}").fill("13:00")
        anna.locator(f"#f-end-{n}").fill("15:00")
    anna.locator("#f-closes_day").fill((ahead - timedelta(days=7)).isoformat())
    anna.locator("#f-closes_time").fill("12:00")
    anna.locator(f"label[for=org-{byggen}]").click()
    anna.get_by_role("button", name="Skicka frågan om tider").click()
    expect(anna.get_by_role("heading", name="Gör tiden till ett möte")).to_be_visible()


def future_programme(w: World, people: People) -> None:
    """A revised programme whose first day is ahead (so it may still change), made by the
    coordinator as a copy of the seeded one, through the form."""
    anna = people["coordinator"].page
    year = clock.local_now().year
    anna.goto(w.portal + path_of(TABLE, "programme_new"))
    anna.locator("#f-name").fill(f"Trygghets- och säkerhetsprogram {year + 3}–{year + 6}")
    anna.locator("#f-valid_from").fill(f"{year + 3}-01-01")
    anna.locator("#f-valid_to").fill(f"{year + 6}-12-31")
    anna.get_by_role("button", name="Spara som ny version").click()
    expect(anna.get_by_role("link", name="Ändra versionen")).to_be_visible()


def contacts_confirm_link(w: World, organisation_id: int) -> str:
    """A six-monthly confirmation link, its token written as the job writes it."""
    token = links.new_token()
    now = clock.now().replace(tzinfo=None).isoformat(sep=" ")
    with closing(sqlite3.connect(w.database, timeout=10)) as db, db:
        db.execute(
            "UPDATE organisation_contact SET asked_at = ?, token_hash = ? "
            "WHERE organisation_id = ?",
            (now, links.digest(token), organisation_id),
        )
    return f"{w.portal}/kontakter/bekrafta/{token}"


def unsubscribe_link(w: World, name: str) -> str:
    """An unsubscribe link as a digest carries one (digests go at 07:00, whenever the walk
    runs): its secret written to the portal's database, as the digest job writes it."""
    token = links.new_token()
    with closing(sqlite3.connect(w.database, timeout=10)) as db, db:
        db.execute(
            "INSERT INTO unsubscribe_link (token_hash, person_id, category, created_at) "
            "VALUES (?, ?, 'digest', ?)",
            (
                links.digest(token),
                w.person(name),
                clock.now().replace(tzinfo=None).isoformat(sep=" "),
            ),
        )
    return f"{w.portal}/avregistrera/{token}"


def test_every_get_route_is_visited_or_excluded_with_a_reason(
    dev_portal: str, people: People
) -> None:
    w = World.of(dev_portal)
    links = one_time_links(w, people)
    tokens = {name: link.rsplit("/", 1)[1] for name, link in links.items()}
    plan = visits(w, tokens)

    visited = {v.route for v in plan}
    assert [v for v in plan if not may_see(v)] == [], "visits as someone the route refuses"
    assert unknown(TABLE, visited, EXCLUDED) == set()
    assert visited.isdisjoint(EXCLUDED), visited & set(EXCLUDED)
    assert unvisited(TABLE, visited, EXCLUDED) == set(), "routes neither visited nor excluded"

    failures: list[str] = []
    titles: dict[str, set[str]] = {}
    photographed: set[str] = set()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for visit in plan:
        checked = people[visit.persona]
        p = checked.page
        url = dev_portal + visit.url(TABLE)
        errors_before = len(checked.console_errors)
        try:
            response = p.goto(url)
            assert response is not None
            assert response.status == 200, f"status {response.status}"
            assert response.headers["content-type"].startswith("text/html")
            expect(p.locator("html")).to_have_attribute("lang", "sv")
            expect(p.get_by_role("heading", level=1)).to_be_visible()
            title = p.title()
            assert title.endswith(" – Partnerportalen"), title
            assert title != " – Partnerportalen", "a page without a title of its own"
            titles.setdefault(title, set()).add(visit.route)
            checked.assert_accessible()
            assert unchecked_contrast(p, checked.undecided_contrast) == [], "check by hand"
            assert overflow(p) == [], "at 1280 px:\n" + "\n".join(overflow(p))
            text_spacing(p)
            assert overflow(p) == [], "at 1280 px, text spacing:\n" + "\n".join(overflow(p))
            text_spacing(p, on=False)
            # The same page on a phone, and at 400 % zoom: nothing wider than the window,
            # nothing cut off, still accessible.
            p.set_viewport_size(PHONE)
            assert overflow(p) == [], "at 375 px:\n" + "\n".join(overflow(p))
            p.set_viewport_size(ZOOMED)
            assert overflow(p) == [], "at 320 px:\n" + "\n".join(overflow(p))
            checked.assert_accessible()
            assert unchecked_contrast(p, checked.undecided_contrast) == [], "check by hand"
            if visit.route in SCREENSHOTS - photographed:
                photographed.add(visit.route)
                p.screenshot(path=ARTEFACTS / f"{visit.route}-{visit.persona}.png", full_page=True)
            text_spacing(p)
            assert overflow(p) == [], "at 320 px, text spacing:\n" + "\n".join(overflow(p))
            assert checked.console_errors[errors_before:] == []
        except AssertionError as failure:
            failures.append(f"{visit.route} as {visit.persona} ({url}):\n{failure}")
        finally:
            p.set_viewport_size(DESKTOP)
    assert failures == [], "\n\n".join(failures)
    assert people.console_errors() == []
    assert shared_titles(titles) == {}, "pages of different routes with the same <title>"
    assert photographed == SCREENSHOTS, f"no screenshot of {SCREENSHOTS - photographed}"


def shared_titles(titles: Mapping[str, set[str]]) -> dict[str, list[str]]:
    """The <title>s that more than one route's page has, with those routes."""
    return {title: sorted(names) for title, names in titles.items() if len(names) > 1}


# --- the walk's own guarantee ------------------------------------------------------------


async def _view(ctx: Ctx) -> Response:  # pragma: no cover - never called
    raise NotImplementedError


def test_a_route_added_without_a_visit_fails_the_walk() -> None:
    visited = get_route_names(TABLE) - set(EXCLUDED)
    assert unvisited(TABLE, visited, EXCLUDED) == set()

    added = PortalRoute("/nytt", _view, name="brand_new_page", access=PUBLIC, methods=["GET"])
    posted = PortalRoute("/nytt", _view, name="brand_new_form", access=PUBLIC, methods=["POST"])
    assert unvisited([*TABLE, added, posted], visited, EXCLUDED) == {"brand_new_page"}
    # A visit as someone the route's policy refuses is caught before the walk.
    assert not may_see(Visit("roles", "member"))
    assert not may_see(Visit("followup", "frg_lead"))
    assert not may_see(Visit("rooms", ANONYMOUS))
    assert may_see(Visit("followup", "followup_reader"))
    assert may_see(Visit("frg_answer", ANONYMOUS))
    # A page the walk visits that left the table is caught too.
    assert unknown(TABLE, visited | {"gone_page"}, EXCLUDED) == {"gone_page"}


def test_two_routes_whose_pages_share_a_title_fail_the_walk() -> None:
    titles = {
        "Start – Partnerportalen": {"home"},
        "Bli medlem i FRG Botkyrka – Partnerportalen": {"frg_invitation", "frg_signup_open"},
    }
    assert shared_titles(titles) == {
        "Bli medlem i FRG Botkyrka – Partnerportalen": ["frg_invitation", "frg_signup_open"]
    }
    assert shared_titles({"Start – Partnerportalen": {"home"}}) == {}
