"""The register of vital services: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy; those naming an entry load it
through vital_services.access, which answers 404 outside the person's reach."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LOGGED_IN
from partner_portal.platform.paths import GET_POST, POST
from partner_portal.vital_services import access
from partner_portal.vital_services import views as register
from partner_portal.web import route

ENTRY = "/verksamheter/{service_id:id}"


def routes() -> list[BaseRoute]:
    return [
        route("/verksamheter", register.index, name="vital_services", access=LOGGED_IN),
        route(
            "/verksamheter/ny",
            register.new,
            name="vital_service_new",
            access=LOGGED_IN,
            methods=GET_POST,
        ),
        route(ENTRY, register.show, name="vital_service", access=LOGGED_IN, load=access.entry),
        route(
            f"{ENTRY}/redigera",
            register.edit,
            name="vital_service_edit",
            access=LOGGED_IN,
            load=access.entry,
            methods=GET_POST,
        ),
        route(
            f"{ENTRY}/stammer",
            register.confirm,
            name="vital_service_confirm",
            access=LOGGED_IN,
            load=access.entry,
            methods=POST,
        ),
    ]
