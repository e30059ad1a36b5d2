""" "Väntar på svar": this feature's part of the one route table (composed in
partner_portal.routes). Coordinators only; no path names an object."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR
from partner_portal.followthrough import views
from partner_portal.platform.paths import POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route("/vantar-pa-svar", views.index, name="waiting", access=COORDINATOR),
        route(
            "/vantar-pa-svar/paminn",
            views.remind,
            name="waiting_remind",
            access=COORDINATOR,
            methods=POST,
        ),
        route(
            "/vantar-pa-svar/export.{fmt}",
            views.export,
            name="waiting_export",
            access=COORDINATOR,
        ),
    ]
