"""The main menu's state for one page: which entries a reader has, and which is where they are.

Every page shows the menu, and it was the template's busiest part — a score of URLs built and
compared with the page's path. Here the comparisons are made once per path, in Python, and the
menu itself is a remembered fragment (templates/_menu.html) keyed by this state: the same for
every reader of the same kind on the same part of the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from starlette.routing import NoMatchFound

from partner_portal.platform.urls import UrlTable

# Entries that are the current page only on their own path, and those that are for every path
# under theirs (a room's pages are under "Planeringsrum").
_EXACT = ("home", "followup_report", "api_tokens", "invitations", "roles", "audit_log", "dev_mail")
_UNDER = (
    "rooms",
    "forums",
    "meetings",
    "actions",
    "frg",
    "vital_services",
    "contacts",
    "programmes",
    "waiting",
    "organisations",
    "templates",
)
# Not an entry: every path under "followup" (Menu.in_followup).
FOLLOWUP_SECTION = "followup_section"


@dataclass(frozen=True, slots=True)
class Menu:
    signed_in: bool
    coordinator: bool
    follows_up: bool  # may see the follow-up without being a coordinator (the board's readers)
    dev_tools: bool
    here: frozenset[str]  # the entries (by route name) that are this page, and FOLLOWUP_SECTION

    @property
    def in_followup(self) -> bool:
        """On a page of the follow-up (the coordinator's group, a board reader's one entry)."""
        return FOLLOWUP_SECTION in self.here


def menu(
    path: str,
    urls: UrlTable,
    *,
    signed_in: bool,
    coordinator: bool,
    follows_up: bool,
    dev_tools: bool,
) -> Menu:
    """The menu for a page at ``path``, from the application's routes."""
    return Menu(signed_in, coordinator, follows_up, dev_tools, _here(path, urls))


@lru_cache(maxsize=2048)
def _here(path: str, urls: UrlTable) -> frozenset[str]:
    def url(name: str) -> str | None:
        try:
            return urls.path(name)
        except NoMatchFound:  # e.g. the development mail box, when not in development
            return None

    names = {name for name in _EXACT if path == url(name)}
    names.update(name for name in _UNDER if (prefix := url(name)) and path.startswith(prefix))
    if (followup := url("followup")) and path.startswith(followup):
        names.add(FOLLOWUP_SECTION)
    return frozenset(names)
