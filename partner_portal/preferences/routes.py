"""A person's own settings: this feature's part of the one route table."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LOGGED_IN
from partner_portal.platform.paths import GET_POST
from partner_portal.preferences import views
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route(
            "/installningar",
            views.settings_page,
            name="preferences",
            methods=GET_POST,
            access=LOGGED_IN,
        ),
    ]
