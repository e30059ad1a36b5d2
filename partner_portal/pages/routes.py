"""The start page, the accessibility statement and the choice of language: this feature's part of
the one route table (composed in partner_portal.routes). Every route names its access policy."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import PUBLIC
from partner_portal.pages import views as pages
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route("/", pages.home, name="home", access=PUBLIC),
        route("/tillganglighet", pages.accessibility, name="accessibility", access=PUBLIC),
        route("/sprak/{lang}", pages.choose_language, name="language", access=PUBLIC),
    ]
