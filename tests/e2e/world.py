"""What the browser tests share about the demo world of `partner-portal dev`: its personas (one
logged-in browser context each), the real ids of what the demo data seeded (read from the dev
portal's SQLite file), the links in the mail it sent, and the checks every page gets."""

from __future__ import annotations

import re
import sqlite3
import time as timer
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from starlette.routing import BaseRoute

from partner_portal.platform import clock
from tests.e2e.conftest import DATA_DIRS, CheckedPage

# The demo people (partner_portal/devtools/people.py), by what they do in the portal.
PERSONAS: dict[str, str] = {
    "coordinator": "Anna Lindqvist",
    "main_contact": "Erik Öberg",
    "member": "Omar Haddad",
    "followup_reader": "Maria Nilsson",
    "frg_lead": "Johan Ärlig",
    "volunteer": "Lina Virtanen",
}
ANONYMOUS = "anonymous"

# How the demo data names what it made (partner_portal/devtools/seed.py and demo/).
BYGGEN = "AB Botkyrkabyggen"
SBFF = "Södertörns brandförsvarsförbund"
FRG_BOTKYRKA = "FRG Botkyrka"


def log_in(page: Page, portal: str, name: str) -> None:
    """Log in through the development provider by choosing the demo person."""
    page.goto(portal + "/auth/login")
    page.get_by_role("button", name=re.compile(name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Välkommen, {name}")


class People:
    """One browser context per persona, logged in once and reused (anonymous: not logged in)."""

    def __init__(
        self, browser: Browser, portal: str, *, preload_axe: bool = False, **context: Any
    ) -> None:
        self.browser = browser
        self.portal = portal
        self.preload_axe = preload_axe  # for a walk, which checks every page it opens
        self.context_options = {"locale": "sv-SE", **context}
        self.pages: dict[str, CheckedPage] = {}

    def __getitem__(self, persona: str) -> CheckedPage:
        if persona not in self.pages:
            context = self.browser.new_context(**self.context_options)
            checked = CheckedPage(context.new_page(), self.portal, preload_axe=self.preload_axe)
            if persona != ANONYMOUS:
                log_in(checked.page, self.portal, PERSONAS[persona])
            self.pages[persona] = checked
        return self.pages[persona]

    def console_errors(self) -> list[str]:
        return [error for checked in self.pages.values() for error in checked.console_errors]

    def close(self) -> None:
        for checked in self.pages.values():
            checked.page.context.close()


@dataclass
class World:
    """The running dev portal and the ids of its demo data."""

    portal: str
    database: Path
    _cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, portal: str) -> World:
        return cls(portal, DATA_DIRS[portal] / "portal.db")

    def one(self, sql: str, *params: object) -> int:
        """The single integer the query answers (an id), read from the portal's database."""
        with closing(sqlite3.connect(self.database)) as db:
            rows = db.execute(sql, params).fetchall()
        assert len(rows) == 1, (sql, params, rows)
        return int(rows[0][0])

    def organisation(self, name: str) -> int:
        return self.one("SELECT id FROM organisation WHERE name = ?", name)

    def room(self, process: str) -> int:
        """The demo room of a planning process (nodvatten, el_styrel, hojd_beredskap,
        riktlinjer)."""
        return self.one("SELECT min(id) FROM room WHERE process = ?", process)

    def item(self, room_id: int, kind: str) -> int:
        return self.one(
            "SELECT min(id) FROM room_item WHERE room_id = ? AND kind = ?", room_id, kind
        )

    def person(self, name: str) -> int:
        return self.one("SELECT id FROM person WHERE name = ?", name)

    def mail_link(self, pattern: str, *, to: str | None = None, timeout: float = 20) -> str:
        """The newest link matching ``pattern`` (a path like ``/frg/svar/``, regular expression)
        in the mail the portal has sent (to ``to``), as the development mail catcher shows it.
        The worker delivers the outbox every two seconds, so this waits for it, a while."""
        link = re.compile(rf"{re.escape(self.portal)}{pattern}[A-Za-z0-9_.-]+")
        deadline = timer.monotonic() + timeout
        while True:
            html = httpx.get(self.portal + "/dev/mail", timeout=5).text
            for article in re.findall(r"<article.*?</article>", html, re.S):
                if to is None or to in article:
                    found = link.search(article)
                    if found:
                        return found.group(0)
            assert timer.monotonic() < deadline, f"no mail with a link {pattern} (to {to})"
            timer.sleep(0.25)


# --- the route table -------------------------------------------------------------------


def get_route_names(table: list[BaseRoute]) -> set[str]:
    """The names of every route a browser can GET (a mount, such as the static files, too)."""
    names = set()
    for route in table:
        methods = getattr(route, "methods", None)
        if methods is None or "GET" in methods:
            name = getattr(route, "name", None)
            assert name, route
            names.add(name)
    return names


def unvisited(table: list[BaseRoute], visited: set[str], excluded: dict[str, str]) -> set[str]:
    """GET routes of the table that a walk neither visits nor excludes with a reason."""
    return get_route_names(table) - visited - set(excluded)


def unknown(table: list[BaseRoute], visited: set[str], excluded: dict[str, str]) -> set[str]:
    """Names a walk visits or excludes that are no GET route of the table (stale entries)."""
    return (visited | set(excluded)) - get_route_names(table)


def path_of(table: list[BaseRoute], name: str, **params: object) -> str:
    """The route's path with these parameters, from the table itself."""
    for route in table:
        if getattr(route, "name", None) == name:
            path = str(getattr(route, "path", ""))
            filled = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(params.pop(m.group(1))), path)
            assert not params, f"{name}: unused parameters {params}"
            return filled
    raise KeyError(name)


# --- checks ------------------------------------------------------------------------------


_FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    // What shows focus: an outline, or a box shadow (FKUI's focus ring) — on the element, or on
    // its label (FKUI draws a checkbox's or radio button's box on the label), pseudo-elements
    // included. A box shadow counts only where the same element without focus has none (fields
    // have an inset shadow all the time); to know, a copy of its surroundings is styled unfocused.
    const look = (node, labels) => [node, ...labels].flatMap((n) => [null, '::before', '::after']
        .map((pseudo) => {
            const style = getComputedStyle(n, pseudo);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return {outline, shadow: style.boxShadow};
        }));
    const labelsOf = (node, root) => node.id
        ? Array.from(root.querySelectorAll('label')).filter((l) => l.htmlFor === node.id)
        : [];
    const focused = look(el, el.labels ? Array.from(el.labels) : []);
    const parent = el.parentElement;
    const copy = parent.cloneNode(true);
    // Out of every form and radio group (a checked copy would uncheck the real radio button).
    for (const node of [copy, ...copy.querySelectorAll('*')]) {
        node.removeAttribute('name');
        node.removeAttribute('form');
        if (node.id) node.id = 'kopia-' + node.id;
        if (node.htmlFor) node.htmlFor = 'kopia-' + node.htmlFor;
    }
    copy.setAttribute('aria-hidden', 'true');
    copy.style.position = 'absolute';
    copy.style.left = '-10000px';
    parent.after(copy);
    const twin = copy.querySelectorAll('*')[Array.from(parent.querySelectorAll('*')).indexOf(el)];
    const unfocused = look(twin, labelsOf(twin, copy));
    copy.remove();
    const visible = focused.some((f, i) => f.outline
        || (f.shadow !== 'none' && (!unfocused[i] || f.shadow !== unfocused[i].shadow)));
    return {
        visible,
        what: el.tagName.toLowerCase() + ' ' + JSON.stringify((el.getAttribute('aria-label')
            || (el.labels && el.labels[0] && el.labels[0].innerText) || el.innerText
            || el.value || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 50)),
    };
}"""


def focus_is_visible(page: Page) -> str:
    """Assert that the focused element shows that it has focus: an outline or a box shadow
    (FKUI's focus ring) on it or on its label. Returns a description of it."""
    focused: dict[str, Any] | None = page.evaluate(_FOCUS_STYLE)
    assert focused is not None, f"{page.url}: nothing has focus"
    assert focused["visible"], f"{page.url}: no visible focus indicator on {focused['what']}"
    return str(focused["what"])


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 200) -> int:
    """Press Tab (or Shift+Tab) until ``target`` has focus, asserting a visible focus indicator
    at every stop on the way. Returns how many stops it took."""
    key = "Shift+Tab" if backwards else "Tab"
    stops = []
    for count in range(1, limit + 1):
        page.keyboard.press(key)
        stops.append(focus_is_visible(page))
        if target.evaluate("el => el === document.activeElement"):
            return count
    raise AssertionError(f"{page.url}: {target} never got focus; stops: {stops[-20:]}")


def type_moment(page: Page, value: date | datetime) -> None:
    """Type a date (or date and time) into the focused native date (datetime-local) field, with
    the keyboard as a person does: the digits of each part in the order the browser shows the
    parts, Tab from the date to the time, A or P where the browser uses a 12-hour clock."""
    order, twelve_hour = _field_order(page)
    page.keyboard.type(value.strftime(order))
    if isinstance(value, datetime):
        page.keyboard.press("Tab")
        if twelve_hour:
            page.keyboard.type(value.strftime("%I%M") + ("P" if value.hour >= 12 else "A"))
        else:
            page.keyboard.type(value.strftime("%H%M"))


_ORDERS: dict[int, tuple[str, bool]] = {}


def _field_order(page: Page) -> tuple[str, bool]:
    """How this browser orders a date field's parts, and whether its clock has AM/PM: tried
    once per browser on a scratch page."""
    browser = page.context.browser
    key = id(browser)
    if key not in _ORDERS:
        scratch = page.context.new_page()
        # A day after the 12th tells day from month; the month and year are today's.
        sample = datetime.combine(clock.today().replace(day=25), time(14, 30))
        order = ""
        for candidate in ("%m%d%Y", "%d%m%Y", "%Y%m%d"):
            scratch.set_content('<input type="date" id="d" aria-label="d">')
            scratch.focus("#d")
            scratch.keyboard.type(sample.strftime(candidate))
            if scratch.eval_on_selector("#d", "e => e.value") == sample.date().isoformat():
                order = candidate
                break
        assert order, "no known order of a date field's parts"
        scratch.set_content('<input type="datetime-local" id="t" aria-label="t">')
        scratch.focus("#t")
        scratch.keyboard.type(sample.strftime(order))
        scratch.keyboard.press("Tab")
        scratch.keyboard.type("0230P")  # where there is no AM/PM, "P" is not taken
        typed = scratch.eval_on_selector("#t", "e => e.value")
        twelve_hour = typed == sample.isoformat(timespec="minutes")
        scratch.close()
        _ORDERS[key] = (order, twelve_hour)
    return _ORDERS[key]


def heading_text(page: Page) -> str:
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    return heading.inner_text()


# --- reflow (WCAG 1.4.10) ----------------------------------------------------------------

_OVERFLOW = """() => {
    const width = window.innerWidth;
    const edge = document.documentElement.clientWidth;  // the viewport without a scroll bar
    const problems = [];
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) {
        problems.push(`the page is ${scrollWidth} px wide in a ${width} px window`);
    }
    const describe = (el) => {
        const cls = typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
        return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}> "${text}"`;
    };
    // Visually hidden text (.sr-only) is a 1 px box that clips on purpose.
    const hidden = (el) => el.clientWidth <= 1 || el.clientHeight <= 1;
    const scrolls = (style) => style.overflowX === 'auto' || style.overflowX === 'scroll';
    for (const el of document.body.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        if (style.display === 'none') continue;
        // Content cut off: a box that hides what does not fit, sideways (FKUI's .table__scroll
        // did, and its header cut the municipality's name) or below (a fixed height that
        // enlarged text spacing outgrows, WCAG 1.4.12).
        const cuts = (o) => o === 'hidden' || o === 'clip';
        if (!hidden(el) && style.visibility !== 'hidden'
            && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName)) {
            if (cuts(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
                problems.push(`${describe(el)} cuts off ${el.scrollWidth - el.clientWidth} px`);
            }
            if (cuts(style.overflowY) && el.scrollHeight > el.clientHeight + 1) {
                problems.push(`${describe(el)} cuts off ${el.scrollHeight - el.clientHeight} px`
                    + ' at the bottom');
            }
        }
        const box = el.getBoundingClientRect();
        if (box.width === 0 || (box.right <= edge + 1 && box.left >= -1)) continue;
        // Past the window's edge: fine inside a box that scrolls (and itself fits), reported
        // once, for the outermost element that sticks out, otherwise.
        let inside = null;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') { inside = a; break; }
        }
        if (inside) continue;  // clipped or scrolled there: the box itself is checked
        const parent = el.parentElement.getBoundingClientRect();
        if (el.parentElement !== document.body && (parent.right > edge + 1 || parent.left < -1)) {
            continue;
        }
        problems.push(`${describe(el)} reaches ${Math.round(box.left)}–${Math.round(box.right)} px`
            + ` of a ${edge} px wide viewport`);
    }
    // A box that scrolls is a region one can reach with the keyboard, with a name (WCAG 2.1.1).
    for (const el of document.body.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        if (!scrolls(style) || el.scrollWidth <= el.clientWidth + 1) continue;
        if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) continue;
        if (el.tabIndex < 0 || !el.getAttribute('role') || !(el.getAttribute('aria-labelledby')
            || el.getAttribute('aria-label'))) {
            problems.push(`${describe(el)} scrolls but is no labelled region with tabindex="0"`);
        }
    }
    return problems.slice(0, 10);
}"""

PHONE: ViewportSize = {"width": 375, "height": 812}
DESKTOP: ViewportSize = {"width": 1280, "height": 720}
# What a 1280 × 1024 screen shows at 400 % zoom: the width WCAG 1.4.10 names.
ZOOMED: ViewportSize = {"width": 320, "height": 256}

# WCAG 1.4.12: the text spacing a reader may set in their own style sheet (line height 1.5,
# paragraphs 2 × the font size apart, letter spacing 0.12 and word spacing 0.16 × the font size).
# Added as a constructed style sheet: the Content Security Policy refuses inline <style>.
_TEXT_SPACING = """(on) => {
    if (!on) {
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter(
            (s) => !s.textSpacing);
        return;
    }
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
        word-spacing: 0.16em !important; }
        p { margin-bottom: 2em !important; }`);
    sheet.textSpacing = true;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


def overflow(page: Page) -> list[str]:
    """What makes the page wider than its window, or cuts content off: the page's own width,
    elements past the window's edge outside a box that scrolls, boxes that hide what does not fit,
    and boxes that scroll without being a labelled, focusable region. Empty when all is well."""
    problems: list[str] = page.evaluate(_OVERFLOW)
    return problems


# Colour contrast that axe leaves undecided, by kind, and what a person found checking it (the
# accessibility statement reports the same). Colours as portal.css and FKUI set them; ratios by
# WCAG's formula, at least 4.5:1 for text everywhere.
CHECKED_CONTRAST: dict[str, str] = {
    "choice": "the label of a checkbox or radio button: FKUI draws the box as a pseudo-element "
    "beside the text, never under it; the text is #1b1e23 on white (16.7:1), its muted part "
    "#5f6165 on white (6.2:1)",
    "chart": "text in the board report's SVG chart, which axe cannot see the fills behind: the "
    "labels #1b1e23 on white (16.7:1); the counts white on #116a3e (6.7:1), #1f5fa0 (6.6:1), "
    "#5a6b7d (5.5:1) and #b3261e (6.5:1), #1b1e23 on #9fc1e4 (8.9:1), #f3c94a (10.6:1) and "
    "#d0d0d0 (10.8:1), or on white where a count is wider than its bar",
    "scrolled": "an element of a table that its scroll region shows only in part on a narrow "
    "window: the same element is decided, whole, at 1280 px",
}

_CONTRAST_KIND = """(selectors) => selectors.map((selector) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    if (el.closest('svg.portal-chart')) return 'chart';
    if (el.closest('label.checkbox__label, label.radio-button__label')) return 'choice';
    const region = el.closest('.table-scroll');
    if (region && region.scrollWidth > region.clientWidth + 1) return 'scrolled';
    return null;
})"""


def unchecked_contrast(page: Page, undecided: list[str]) -> list[str]:
    """The elements whose colour contrast axe left undecided and that are of no kind a person
    has checked (CHECKED_CONTRAST): each needs a look, and a fix or a kind of its own."""
    if not undecided:
        return []
    kinds: list[str | None] = page.evaluate(_CONTRAST_KIND, undecided)
    return [selector for selector, kind in zip(undecided, kinds, strict=True) if kind is None]


def text_spacing(page: Page, *, on: bool = True) -> None:
    """Set (or take away) the text spacing of WCAG 1.4.12 on the page, as a reader's own
    style sheet would."""
    page.evaluate(_TEXT_SPACING, on)


def assert_fits(page: Page) -> None:
    assert overflow(page) == [], f"{page.url} at {page.viewport_size}: " + "\n".join(overflow(page))


def menu_link(page: Page, name: str) -> Locator:
    """The main menu's link ``name``, shown as a person shows it: the menu button opened first on
    a phone, and the group the link is in (Uppföljning, Administration) opened."""
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav).to_be_visible()
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    expect(link).to_have_count(1)
    if not link.is_visible():
        # The "Meny" button is there only on a narrow screen (below 48rem); asking whether it is
        # visible could race the page's own layout, the window's width cannot.
        narrow = (page.viewport_size or {"width": 1280})["width"] < 768
        menu = nav.locator("details.portal-menu")
        if narrow and not menu.evaluate("d => d.open"):
            nav.locator("summary.portal-menu__button").click()
        group = link.locator("xpath=ancestor::details[contains(@class, 'portal-menu__disclosure')]")
        if group.count() and not link.is_visible():
            group.locator("summary").click()
    expect(link).to_be_visible()
    return link
