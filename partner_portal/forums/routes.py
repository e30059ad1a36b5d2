"""Standing forums: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy; a route under a forum names its
loader (``forums.access.forum`` or ``forum_page``), which gives 404 to anyone outside it and
for a room that is not a forum."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN
from partner_portal.forums import access
from partner_portal.forums import views as forums
from partner_portal.forums.service import AGREEMENT, FORUM
from partner_portal.platform.paths import GET_POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route("/forum", forums.index, name="forums", access=LOGGED_IN),
        route("/forum/ny", forums.create, name="forum_new", access=COORDINATOR, methods=GET_POST),
        route(FORUM, forums.show, name="forum", access=LOGGED_IN, load=access.forum_page),
        route(
            AGREEMENT,
            forums.agreement,
            name="forum_agreement",
            access=LOGGED_IN,
            load=access.forum,
        ),
        route(
            f"{AGREEMENT}/andra",
            forums.edit_agreement,
            name="forum_agreement_edit",
            access=COORDINATOR,
            load=access.forum_page,
            methods=GET_POST,
        ),
    ]
