"""Date polls: this feature's part of the one route table. Every route whose path names a poll
has the loader that answers 404 to anyone outside it; the mail's answer link carries its own
secret."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LINK_TOKEN, LOGGED_IN
from partner_portal.platform.paths import GET_POST, POST
from partner_portal.polls import access, views
from partner_portal.polls.service import POLL, POLL_LINK
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route("/omrostningar", views.index, name="polls", access=LOGGED_IN),
        route(
            "/omrostningar/ny", views.create, name="poll_new", access=COORDINATOR, methods=GET_POST
        ),
        route(POLL, views.show, name="poll", access=LOGGED_IN, load=access.poll),
        route(
            f"{POLL}/svar",
            views.answer,
            name="poll_answer",
            access=LOGGED_IN,
            load=access.poll,
            methods=POST,
        ),
        route(
            f"{POLL}/boka",
            views.book,
            name="poll_book",
            access=COORDINATOR,
            load=access.poll,
            methods=POST,
        ),
        route(POLL_LINK, views.link, name="poll_link", access=LINK_TOKEN, methods=GET_POST),
    ]
