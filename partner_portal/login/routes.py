"""Login and logout, and portal-wide roles: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy, and the route that names a role
grant its loader (login.access)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN, PUBLIC
from partner_portal.login import access as login_access
from partner_portal.login import role_views as roles
from partner_portal.login import views as auth
from partner_portal.platform.paths import POST
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Login
        route("/auth/login", auth.login, name="login", access=PUBLIC),
        route("/auth/callback", auth.callback, name="login_callback", access=PUBLIC),
        route("/auth/logout", auth.logout, name="logout", access=LOGGED_IN, methods=POST),
    ]


def portal_roles() -> list[BaseRoute]:
    return [
        # Portal-wide roles
        route("/roller", roles.index, name="roles", access=COORDINATOR),
        route("/roller", roles.grant, name="role_grant", access=COORDINATOR, methods=POST),
        route(
            "/roller/{grant_id:id}/ta-bort",
            roles.revoke,
            name="role_revoke",
            access=COORDINATOR,
            load=login_access.role_grant,
            methods=POST,
        ),
    ]
