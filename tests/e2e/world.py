"""What the browser tests share about the demo world of `partner-portal dev`: its personas (one
logged-in browser context each), the real ids of what the demo data seeded (read from the dev
portal's SQLite file), the links in the mail it sent, and the checks every page gets."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Locator, Page, expect
from starlette.routing import BaseRoute

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

# How the demo data names what it made (partner_portal/devtools/seed.py and demo_work.py).
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

    def __init__(self, browser: Browser, portal: str, **context: Any) -> None:
        self.browser = browser
        self.portal = portal
        self.context_options = {"locale": "sv-SE", **context}
        self.pages: dict[str, CheckedPage] = {}

    def __getitem__(self, persona: str) -> CheckedPage:
        if persona not in self.pages:
            context = self.browser.new_context(**self.context_options)
            checked = CheckedPage(context.new_page(), self.portal)
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
        deadline = time.monotonic() + timeout
        while True:
            html = httpx.get(self.portal + "/dev/mail", timeout=5).text
            for article in re.findall(r"<article.*?</article>", html, re.S):
                if to is None or to in article:
                    found = link.search(article)
                    if found:
                        return found.group(0)
            assert time.monotonic() < deadline, f"no mail with a link {pattern} (to {to})"
            time.sleep(0.25)


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


def focus_is_visible(page: Page) -> str:
    """A description of the focused element, asserting that it shows where focus is: an
    outline or a box shadow (FKUI's focus ring) that is not none."""
    focused: dict[str, str] | None = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.getAttribute('aria-label') || el.innerText || el.value || el.id || '')
                    .trim().slice(0, 60),
                outline: style.outlineStyle === 'none' || style.outlineWidth === '0px'
                    ? 'none' : style.outlineStyle + ' ' + style.outlineWidth,
                shadow: style.boxShadow,
            };
        }"""
    )
    assert focused is not None, f"{page.url}: nothing has focus"
    visible = focused["outline"] != "none" or focused["shadow"] not in ("none", "")
    assert visible, f"{page.url}: no visible focus indicator on {focused}"
    return f"{focused['tag']} {focused['text']!r}"


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 80) -> list[str]:
    """Press Tab (or Shift+Tab) until ``target`` has focus, checking the focus indicator at
    every stop on the way. Returns the stops."""
    stops = []
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(focus_is_visible(page))
        if target.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"{page.url}: {target} never got focus; stops: {stops}")


def heading_text(page: Page) -> str:
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    return heading.inner_text()
