"""Digests and mail preferences: this feature's part of the one route table (composed in
partner_portal.routes). The unsubscribe link is a LINK_TOKEN route: its secret authorises a POST
without login or CSRF token, as RFC 8058 one-click unsubscribe requires."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LINK_TOKEN, LOGGED_IN
from partner_portal.digests import views as digests
from partner_portal.mail.preferences import PREFERENCES_PAGE, UNSUBSCRIBE_LINK
from partner_portal.platform.paths import GET_POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route(
            PREFERENCES_PAGE,
            digests.settings_page,
            name="mail_preferences",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(
            UNSUBSCRIBE_LINK,
            digests.unsubscribe,
            name="unsubscribe",
            access=LINK_TOKEN,
            methods=GET_POST,
        ),
    ]
