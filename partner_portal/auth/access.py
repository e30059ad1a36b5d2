"""Route-level access policies: every route in the table declares one (deny by default).

Object-level checks (this organisation, this room) happen where objects are loaded, through
"get X for this person" queries that answer 404 for anything outside the person's reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.errors import NotFound, PortalError
from partner_portal.settings import Settings


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

    def check(self, person: CurrentPerson | None, settings: Settings) -> None:
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
