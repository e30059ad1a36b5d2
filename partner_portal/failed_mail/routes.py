"""Failed mail: this feature's part of the one route table. Coordinators only."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR
from partner_portal.failed_mail import access, views
from partner_portal.platform.paths import POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route("/utskick/misslyckade", views.index, name="failed_mail", access=COORDINATOR),
        route(
            "/utskick/misslyckade/{message_id:id}/forsok-igen",
            views.retry,
            name="failed_mail_retry",
            methods=POST,
            access=COORDINATOR,
            load=access.failed_message,
        ),
    ]
