"""Personal data: the privacy information, one's own data, removal (the coordinator confirms): this
feature's part of the one route table (composed in partner_portal.routes). Every route names its
access policy, and the route that names a person its loader (privacy.access)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN, PUBLIC
from partner_portal.platform.paths import POST
from partner_portal.privacy import access as privacy_access
from partner_portal.privacy import views as privacy
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Personal data: the privacy information, one's own data, removal (the coordinator confirms)
        route("/personuppgifter", privacy.privacy, name="privacy", access=PUBLIC),
        route("/mina-uppgifter", privacy.mine, name="my_data", access=LOGGED_IN),
        route("/mina-uppgifter.json", privacy.export, name="my_data_export", access=LOGGED_IN),
        route(
            "/mina-uppgifter/radering",
            privacy.request_removal,
            name="removal_request",
            access=LOGGED_IN,
            methods=POST,
        ),
        route(
            "/mina-uppgifter/radering/aterkalla",
            privacy.withdraw_removal,
            name="removal_withdraw",
            access=LOGGED_IN,
            methods=POST,
        ),
        route("/raderingar", privacy.removals, name="removals", access=COORDINATOR),
        route(
            "/raderingar/{person_id:id}/bekrafta",
            privacy.confirm_removal,
            name="removal_confirm",
            access=COORDINATOR,
            load=privacy_access.removal_subject,
            methods=POST,
        ),
    ]
