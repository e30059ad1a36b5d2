"""The crisis pack: this feature's part of the one route table (composed in
partner_portal.routes). Each route is under a room and loads it through rooms.access.room."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LOGGED_IN
from partner_portal.crisispack import views as crisispack
from partner_portal.crisispack.paths import HTML, PAGE, PDF
from partner_portal.rooms import access as rooms
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route(PAGE, crisispack.page, name="crisis_pack", access=LOGGED_IN, load=rooms.room),
        route(PDF, crisispack.pdf, name="crisis_pack_pdf", access=LOGGED_IN, load=rooms.room),
        route(
            HTML, crisispack.html_file, name="crisis_pack_html", access=LOGGED_IN, load=rooms.room
        ),
    ]
