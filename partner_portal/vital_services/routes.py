"""The register of vital services: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy; those naming an entry load it
through vital_services.access, which answers 404 outside the person's reach."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN
from partner_portal.platform.paths import GET_POST, ITEM, POST
from partner_portal.rooms import access as room_access
from partner_portal.vital_services import access, link_views
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
        route(
            "/verksamheter/kontroller",
            register.checks_page,
            name="vital_service_checks",
            access=COORDINATOR,
        ),
        route(
            "/verksamheter/kontroller.{fmt}",
            register.checks_export,
            name="vital_service_checks_export",
            access=COORDINATOR,
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
        # A STYREL or water-need row made from an entry, on a room's item page
        route(
            f"{ITEM}/styrel/fran-verksamhet/{{service_id:id}}",
            link_views.styrel,
            name="styrel_from_register",
            access=LOGGED_IN,
            load=room_access.room,
            methods=GET_POST,
        ),
        route(
            f"{ITEM}/vatten/fran-verksamhet/{{service_id:id}}",
            link_views.water,
            name="water_from_register",
            access=LOGGED_IN,
            load=room_access.room,
            methods=GET_POST,
        ),
    ]
