"""The page frame in Chromium: the main menu (grouped on a desktop, behind one button on a
phone, with the keyboard and without JavaScript), htmx under the Content Security Policy, and
the board report on paper. (That no page is wider than its window, at 1280 and 375 px, the
route walk in test_every_page.py checks for every page.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import CheckedPage
from tests.e2e.world import (
    BYGGEN,
    DESKTOP,
    PHONE,
    ZOOMED,
    People,
    World,
    focus_is_visible,
    menu_link,
    overflow,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Every Content Security Policy violation on the page, as the browser reports it to the page.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def menu(p: Page) -> Locator:
    return p.get_by_role("navigation", name="Huvudmeny")


def group(p: Page, name: str) -> Locator:
    """A group of the main menu: its <details> element."""
    return menu(p).locator(
        "details.portal-menu__disclosure", has=p.locator("summary", has_text=name)
    )


def menu_rows(p: Page) -> set[int]:
    """The lines the main menu's top-level entries stand on (their tops, in px)."""
    tops: list[float] = p.eval_on_selector_all(
        ".portal-menu__list > li", "items => items.map(i => i.getBoundingClientRect().top)"
    )
    return {round(top) for top in tops}


def test_the_coordinators_menu_fits_one_line_and_its_groups_open_with_the_keyboard(
    dev_portal: str, people: People
) -> None:
    checked = people["coordinator"]
    p = checked.page
    p.set_viewport_size(DESKTOP)
    p.goto(dev_portal + "/")

    # Every page one click away before: the daily ones still are, the rest under two groups.
    nav = menu(p)
    for name in ("Start", "Planeringsrum", "Möten", "Åtgärder", "FRG", "E-post (utveckling)"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in ("Organisationer", "Portalroller", "Händelselogg", "API-nycklar"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_hidden()
    expect(nav.locator("summary.portal-menu__button")).to_be_hidden()
    assert len(menu_rows(p)) == 1, f"the menu takes {len(menu_rows(p))} lines"
    assert overflow(p) == []

    admin = group(p, "Administration")
    summary = admin.locator("summary")
    tab_to(p, summary)
    p.keyboard.press("Enter")
    expect(admin).to_have_js_property("open", True)
    p.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Organisationer")).to_be_focused()
    focus_is_visible(p)
    assert len(menu_rows(p)) == 1, "an open group drops down, it does not push the menu"
    checked.assert_accessible()
    # Escape closes the group and gives focus back to its button.
    p.keyboard.press("Escape")
    expect(admin).to_have_js_property("open", False)
    expect(summary).to_be_focused()

    # Space opens it as well; opening the other group closes this one.
    p.keyboard.press(" ")
    expect(admin).to_have_js_property("open", True)
    followup = group(p, "Uppföljning")
    followup.locator("summary").click()
    expect(followup).to_have_js_property("open", True)
    expect(admin).to_have_js_property("open", False)
    # A click elsewhere closes what is open.
    p.get_by_role("contentinfo").click()
    expect(followup).to_have_js_property("open", False)

    tab_to(p, summary, backwards=True)
    p.keyboard.press("Enter")
    tab_to(p, nav.get_by_role("link", name="Händelselogg"))
    with p.expect_navigation():
        p.keyboard.press("Enter")
    expect(p.get_by_role("heading", level=1)).to_have_text("Händelselogg")
    # Where one is shows on the group's button and on the link inside it.
    expect(group(p, "Administration").locator("summary")).to_have_class(
        re.compile("portal-menu__here")
    )
    expect(nav.get_by_role("link", name="Händelselogg", include_hidden=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert len(menu_rows(p)) == 1


def test_on_a_phone_the_menu_is_one_button(dev_portal: str, people: People) -> None:
    checked = people["coordinator"]
    p = checked.page
    p.set_viewport_size(PHONE)
    try:
        p.goto(dev_portal + "/")
        nav = menu(p)
        button = nav.locator("summary.portal-menu__button")
        expect(button).to_be_visible()
        expect(button).to_have_text("Meny")
        expect(nav.get_by_role("link", name="Planeringsrum")).to_be_hidden()
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 44, "a touch target of 44 px at least"
        checked.assert_accessible()

        tab_to(p, button)
        p.keyboard.press("Enter")
        expect(nav.get_by_role("link", name="Planeringsrum")).to_be_visible()
        # The whole open menu fits the phone, one entry a line.
        assert overflow(p) == []
        assert len(menu_rows(p)) > 5
        checked.assert_accessible()

        followup = group(p, "Uppföljning")
        tab_to(p, followup.locator("summary"))
        p.keyboard.press("Enter")
        tab_to(p, nav.get_by_role("link", name="Rapport till kommunstyrelsen"))
        assert overflow(p) == []
        checked.assert_accessible()
        # Escape folds the open group, then the menu, back to the button.
        p.keyboard.press("Escape")
        expect(followup).to_have_js_property("open", False)
        p.keyboard.press("Escape")
        expect(button).to_be_focused()
        expect(nav.get_by_role("link", name="Planeringsrum")).to_be_hidden()

        menu_link(p, "Portalroller").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("Portalroller")
        # A new page starts with the menu folded.
        expect(nav.get_by_role("link", name="Planeringsrum")).to_be_hidden()
        assert overflow(p) == []
    finally:
        p.set_viewport_size(DESKTOP)


def test_the_menu_opens_without_javascript(browser: Browser, dev_portal: str) -> None:
    everyone = People(browser, dev_portal, java_script_enabled=False)
    try:
        p = everyone["coordinator"].page
        p.goto(dev_portal + "/")
        group(p, "Uppföljning").locator("summary").click()
        menu(p).get_by_role("link", name="API-nycklar").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("API-nycklar för uppföljningen")

        p.set_viewport_size(PHONE)
        menu_link(p, "Möten").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("Möten")
        assert everyone.console_errors() == []
    finally:
        everyone.close()


def test_htmx_requests_break_no_content_security_policy(dev_portal: str, page: CheckedPage) -> None:
    """htmx would inject an inline <style> for its request indicator, which the CSP (style-src
    'self') refuses: base.html turns that off, and portal.css styles the indicator instead."""
    p = page.page
    p.context.add_init_script(RECORD_CSP_VIOLATIONS)
    p.goto(dev_portal + "/auth/login")
    p.get_by_role("button", name=re.compile("Anna Lindqvist")).click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Välkommen, Anna Lindqvist")

    p.goto(dev_portal + "/organisationer")
    assert p.evaluate("htmx.config.includeIndicatorStyles") is False
    p.evaluate("window.__sameDocument = true")
    with p.expect_response(re.compile(r"/organisationer\?")):
        p.get_by_label("Sök namn eller organisationsnummer").fill("Botkyrka")
    expect(p.locator("#traffar")).to_contain_text("organisation")
    assert p.evaluate("window.__sameDocument === true"), "htmx swapped, the page did not reload"
    assert p.eval_on_selector_all("style", "styles => styles.length") == 0
    assert p.evaluate("window.__cspViolations") == []
    assert page.console_errors == []

    # The indicator, styled by portal.css: hidden until its element has a request in flight.
    look = """([withRequest]) => {
        const holder = document.createElement('div');
        if (withRequest) holder.className = 'htmx-request';
        holder.innerHTML = '<span class="htmx-indicator">…</span>';
        document.querySelector('main').append(holder);
        const style = getComputedStyle(holder.firstChild);
        const seen = [style.visibility, style.opacity];
        holder.remove();
        return seen;
    }"""
    assert p.evaluate(look, [False]) == ["hidden", "0"]
    visibility, _ = p.evaluate(look, [True])
    assert visibility == "visible"


# The report chart's labels that stick out of the chart or are covered by a bar.
_COVERED_LABELS = """svg => {
    const frame = svg.getBoundingClientRect();
    const bars = Array.from(svg.querySelectorAll('rect')).map(r => r.getBoundingClientRect());
    return Array.from(svg.querySelectorAll('.portal-chart__label')).filter(label => {
        const box = label.getBoundingClientRect();
        return box.right > frame.right + 1 || bars.some(bar => box.left < bar.right
            && bar.left < box.right && box.top < bar.bottom && bar.top < box.bottom);
    }).map(label => label.textContent);
}"""


def covered_chart_labels(p: Page) -> list[str]:
    covered: list[str] = p.eval_on_selector("svg.portal-chart", _COVERED_LABELS)
    return covered


def test_the_board_report_prints_without_the_site_around_it(
    dev_portal: str, people: People
) -> None:
    checked = people["followup_reader"]
    p = checked.page
    # A4 landscape less 15 mm margins (the report's @page) is 267 mm: about 1009 CSS px.
    p.set_viewport_size({"width": 1009, "height": 700})
    try:
        p.goto(dev_portal + "/uppfoljning/rapport")
        expect(menu(p)).to_be_visible()
        p.emulate_media(media="print")
        for frame in (
            menu(p),
            p.locator("header.portal-header"),
            p.get_by_role("contentinfo"),
            p.locator(".skip-link"),
            p.get_by_role("form", name="Välj period och organisationer"),
        ):
            expect(frame).to_be_hidden()
        expect(p.get_by_role("heading", level=1)).to_have_text(
            "Uppföljning av samverkan med externa parter"
        )
        # Every table whole on the paper's width: nothing scrolls, nothing is cut off.
        assert overflow(p) == []
        tables = p.locator("main table")
        assert tables.count() >= 2
        for table in tables.all():
            box = table.bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 1009
        regions: list[list[int]] = p.eval_on_selector_all(
            ".table-scroll", "rs => rs.map(r => [r.scrollWidth, r.clientWidth])"
        )
        assert regions
        assert all(scroll <= client for scroll, client in regions), regions
        # The chart's labels whole: inside the chart, not covered by a bar.
        assert covered_chart_labels(p) == []
        # A table row is never split between two pages; table headings repeat on each.
        assert p.eval_on_selector("main tbody tr", "r => getComputedStyle(r).breakInside") == (
            "avoid"
        )
        assert p.eval_on_selector("main thead", "h => getComputedStyle(h).display") == (
            "table-header-group"
        )
    finally:
        p.emulate_media(media="screen")
        p.set_viewport_size(DESKTOP)


def test_the_coordinators_main_actions_open_the_room(dev_portal: str, people: People) -> None:
    checked = people["coordinator"]
    p = checked.page
    w = World.of(dev_portal)
    for viewport in (DESKTOP, PHONE):
        p.set_viewport_size(viewport)
        try:
            p.goto(f"{dev_portal}/rum/{w.room('nodvatten')}")
            actions = p.get_by_role("region", name="Samordnarens åtgärder")
            # Right under the room's name, before its phases and overview.
            box = actions.bounding_box()
            phases = p.get_by_role("heading", name="Faser", exact=True).bounding_box()
            assert box is not None
            assert phases is not None
            assert box["y"] < phases["y"]
            expect(actions.get_by_role("button", name="Byt fas")).to_be_visible()
            for name, target in (
                ("Bjud in organisationer", "#bjud-in"),
                ("Exportera inlämnade underlag", "#export"),
                ("Stäng rummet", "#stang"),
            ):
                link = actions.get_by_role("link", name=name)
                expect(link).to_have_attribute("href", target)
                expect(p.locator(target)).to_have_count(1)
            expect(actions.get_by_role("link", name="Planera ett möte i rummet")).to_be_visible()
            assert overflow(p) == []
        finally:
            p.set_viewport_size(DESKTOP)
    p.get_by_role("region", name="Samordnarens åtgärder").get_by_role(
        "link", name="Bjud in organisationer"
    ).click()
    expect(p.get_by_role("group", name="Bjud in organisationer ur registret")).to_be_in_viewport()
    checked.assert_accessible()


def test_a_long_word_wraps_instead_of_widening_the_page(dev_portal: str, people: People) -> None:
    checked = people["member"]
    p = checked.page
    p.goto(dev_portal + "/")
    # An address as people paste it: one word of some 370 characters (no hyphen to break at).
    p.eval_on_selector(
        "main",
        """main => {
            const text = document.createElement('p');
            text.textContent = 'Se https://www.botkyrka.se/?dokument='
                + 'Krisberedskapsplanering'.repeat(15);
            main.append(text);
        }""",
    )
    for viewport in (DESKTOP, PHONE):
        p.set_viewport_size(viewport)
        assert overflow(p) == []
    p.set_viewport_size(DESKTOP)


def test_at_400_percent_zoom_the_organisations_stack_and_the_matrix_keeps_its_row_names(
    dev_portal: str, people: People
) -> None:
    """320 px wide, what a 1280 px screen shows at 400 % zoom (WCAG 1.4.10): the header keeps
    the municipality's name whole, the list of organisations reads as blocks (still a table to
    a screen reader), and the follow-up matrix scrolls in its region with each row's name in
    view."""
    checked = people["coordinator"]
    p = checked.page
    p.set_viewport_size(ZOOMED)
    try:
        p.goto(dev_portal + "/organisationer")
        owner = p.locator(".portal-header__owner")
        expect(owner).to_have_text("Botkyrka kommun")
        box = owner.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 320

        table = p.get_by_role("table", name="Registrerade organisationer i bokstavsordning")
        expect(table).to_be_visible()
        rows = table.get_by_role("row")
        assert rows.count() > 5
        byggen = rows.filter(has=p.get_by_role("rowheader", name=BYGGEN))
        # One block per organisation: the name above its values, each value under its
        # column's name, shown for the eye (a screen reader says the column header).
        assert byggen.evaluate("r => getComputedStyle(r).display") == "block"
        label = byggen.locator(".portal-stack-label").first
        expect(label).to_be_visible()
        expect(label).to_have_text("Sort")
        expect(label).to_have_attribute("aria-hidden", "true")
        # To a screen reader the cell is its value alone: the column header names it.
        expect(byggen.get_by_role("cell", name="Kommunalt bolag", exact=True)).to_be_visible()
        expect(table.get_by_role("columnheader", name="Sort")).to_have_count(1)
        region = p.get_by_role("region", name="Registrerade organisationer i bokstavsordning")
        assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
        assert overflow(p) == []
        checked.assert_accessible()

        p.goto(dev_portal + "/uppfoljning")
        matrix = p.get_by_role("region", name=re.compile("^Deltagande .* per organisation"))
        assert matrix.evaluate("r => r.scrollWidth > r.clientWidth"), "the matrix scrolls"
        matrix.focus()
        for _ in range(8):
            p.keyboard.press("ArrowRight")  # the keyboard scrolls the focused region
        p.wait_for_function("r => r.scrollLeft >= 200", arg=matrix.element_handle())
        name = matrix.get_by_role("rowheader", name=BYGGEN)
        frame, seen = matrix.bounding_box(), name.bounding_box()
        assert frame is not None
        assert seen is not None
        assert frame["x"] <= seen["x"] <= frame["x"] + 2, "the row's name stays at the left"
        caption = matrix.locator("caption")
        shown = caption.bounding_box()
        assert shown is not None
        assert shown["x"] >= frame["x"] - 1
        assert shown["x"] + shown["width"] <= frame["x"] + frame["width"] + 1
        assert overflow(p) == []

        # The report's chart draws its text larger on a narrow window: at least 9 px where
        # it would be 6 (it shrinks with the window), every label whole above its bar.
        p.goto(dev_portal + "/uppfoljning/rapport")
        chart = p.locator("svg.portal-chart")
        label = chart.locator(".portal-chart__label").first
        drawn = label.evaluate("t => t.getBoundingClientRect().height")
        assert drawn >= 9, f"labels {drawn} px high"
        assert covered_chart_labels(p) == []
        assert overflow(p) == []
    finally:
        p.set_viewport_size(DESKTOP)

    # On a desktop the organisations are an ordinary table again.
    p.goto(dev_portal + "/organisationer")
    header = p.get_by_role("columnheader", name="Sort")
    expect(header).to_be_visible()
    expect(p.locator(".portal-stack-label").first).to_be_hidden()
