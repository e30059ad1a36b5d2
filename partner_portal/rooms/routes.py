"""Planning rooms (object access is checked in rooms.access) and process templates: this feature's
part of the one route table (composed in partner_portal.routes). Every route names its access
policy; a route under a room names its loader (``rooms.access.room`` or ``room_page``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN
from partner_portal.platform.paths import GET_POST, ITEM, POST, ROOM
from partner_portal.rooms import access as room_access
from partner_portal.rooms import template_views as templates
from partner_portal.rooms import views as rooms
from partner_portal.rooms.template_access import template as template_loader
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Planning rooms (object access is checked by the loaders in rooms.access)
        route("/rum", rooms.index, name="rooms", access=LOGGED_IN),
        route("/rum/ny", rooms.create, name="room_new", access=COORDINATOR, methods=GET_POST),
        route(ROOM, rooms.show, name="room", access=LOGGED_IN, load=room_access.room_page),
        route(
            f"{ROOM}/deltagare",
            rooms.invite,
            name="room_invite",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/organisationer/{{organisation_id:id}}/svar",
            rooms.answer,
            name="room_answer",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/organisationer/{{organisation_id:id}}/lamna",
            rooms.withdraw,
            name="room_withdraw",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/aktuell-fas",
            rooms.set_phase,
            name="room_current_phase",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/faser/{{phase_id:id}}",
            rooms.edit_phase,
            name="room_phase",
            access=COORDINATOR,
            load=room_access.room,
            methods=GET_POST,
        ),
        route(
            f"{ROOM}/faser/{{phase_id:id}}/punkter",
            rooms.add_item,
            name="room_item_add",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/punkter/{{item_id:id}}/ta-bort",
            rooms.remove_item,
            name="room_item_remove",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/stang",
            rooms.close,
            name="room_close",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(ITEM, rooms.item, name="room_item", access=LOGGED_IN, load=room_access.room),
        route(
            f"{ITEM}/lage",
            rooms.update_progress,
            name="room_item_progress",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/lamna-in",
            rooms.submit,
            name="room_item_submit",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/granska",
            rooms.review,
            name="room_item_review",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
    ]


def process_templates() -> list[BaseRoute]:
    return [
        route("/mallar", templates.index, name="templates", access=COORDINATOR),
        route(
            "/mallar/{template_id:id}",
            templates.edit,
            name="template",
            access=COORDINATOR,
            load=template_loader,
            methods=GET_POST,
        ),
    ]
