"""The audit log: this feature's part of the one route table (composed in partner_portal.routes).
Every route names its access policy."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.audit_log import views as audit
from partner_portal.auth.access import COORDINATOR
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # The audit log
        route("/logg", audit.index, name="audit_log", access=COORDINATOR),
    ]
