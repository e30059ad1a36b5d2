"""Route-level access policies: every route in the table declares one (deny by default).

Object-level checks (this organisation, this room) happen where objects are loaded, through
"get X for this person" queries that answer 404 for anything outside the person's reach.

The follow-up API is the one exception to login sessions: its routes (partner_portal.followup.api)
authenticate a bearer API token instead, and never a session cookie. Their policy says so, and a
session-based route that was given it by mistake lets nobody in.
"""

from __future__ import annotations

from dataclasses import dataclass

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import NotFound, PortalError
from partner_portal.platform.settings import Settings


class LoginRequired(PortalError):
    """Not logged in where that is needed: the route wrapper sends the browser to log in."""

    status = 401


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    needs_login: bool = False
    coordinator: bool = False
    followup: bool = False
    dev_only: bool = False
    # A follow-up reader's API token, checked by the API's own route wrapper (not by check()).
    api_token: bool = False
    # A one-click link from an email (partner_portal.frg): the secret in the path is what
    # authorises, so an unsafe request needs no login session, only to come from our own page.
    link_token: bool = False

    def check(self, person: CurrentPerson | None, settings: Settings) -> None:
        if self.api_token:
            raise NotFound()  # a login session never opens an API route
        if self.dev_only and not settings.dev_tools:
            raise NotFound()
        if self.needs_login and person is None:
            raise LoginRequired()
        if self.coordinator and (person is None or not person.is_coordinator):
            raise NotFound()
        if self.followup and (person is None or not person.may_follow_up):
            raise NotFound()


PUBLIC = Policy("public")
LOGGED_IN = Policy("logged in", needs_login=True)
COORDINATOR = Policy("coordinator", needs_login=True, coordinator=True)
FOLLOWUP = Policy("follow-up readers and coordinators", needs_login=True, followup=True)
DEV_ONLY = Policy("development tools", dev_only=True)
FOLLOWUP_API = Policy("follow-up API token", api_token=True)
LINK_TOKEN = Policy("one-click link from an email", link_token=True)
