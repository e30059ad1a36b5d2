"""The one route table. Every route is named and declares who may use it."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal import health
from partner_portal.auth import views as auth
from partner_portal.auth.access import DEV_ONLY, LOGGED_IN, PUBLIC
from partner_portal.devtools import views as devtools
from partner_portal.pages import views as pages
from partner_portal.resources import resource_dir
from partner_portal.web import PublicMount, route


def routes(*, dev_tools: bool) -> list[BaseRoute]:
    table: list[BaseRoute] = [
        route("/", pages.home, name="home", access=PUBLIC),
        route("/tillganglighet", pages.accessibility, name="accessibility", access=PUBLIC),
        route("/sprak/{lang}", pages.choose_language, name="language", access=PUBLIC),
        route("/auth/login", auth.login, name="login", access=PUBLIC),
        route("/auth/callback", auth.callback, name="login_callback", access=PUBLIC),
        route("/auth/logout", auth.logout, name="logout", access=LOGGED_IN, methods=["POST"]),
        route("/healthz", health.healthz, name="healthz", access=PUBLIC),
        route("/readyz", health.readyz, name="readyz", access=PUBLIC),
        PublicMount("/static", str(resource_dir("static")), name="static"),
    ]
    if dev_tools:
        table.append(route("/dev/mail", devtools.mailbox, name="dev_mail", access=DEV_ONLY))
    return table
