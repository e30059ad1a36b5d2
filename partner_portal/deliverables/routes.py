"""Structured deliverables on an item (who may act is checked in rooms.progress): this feature's
part of the one route table (composed in partner_portal.routes). Every route names its access
policy, and loads the room it is in (``rooms.access.room``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LOGGED_IN
from partner_portal.deliverables import views as deliverables
from partner_portal.platform.paths import ITEM, POST, ROOM
from partner_portal.rooms import access as room_access
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Structured deliverables on an item (who may act is checked in rooms.progress)
        route(
            f"{ITEM}/styrel",
            deliverables.save_styrel,
            name="styrel_add",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}",
            deliverables.edit_styrel,
            name="styrel_edit",
            access=LOGGED_IN,
            load=room_access.room,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}",
            deliverables.save_styrel,
            name="styrel_save",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/styrel/{{row_id:id}}/ta-bort",
            deliverables.delete_styrel,
            name="styrel_delete",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten",
            deliverables.save_water,
            name="water_add",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}",
            deliverables.edit_water,
            name="water_edit",
            access=LOGGED_IN,
            load=room_access.room,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}",
            deliverables.save_water,
            name="water_save",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/vatten/{{row_id:id}}/ta-bort",
            deliverables.delete_water,
            name="water_delete",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ITEM}/beredskap",
            deliverables.save_readiness,
            name="readiness_save",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
        ),
        route(
            f"{ROOM}/export/{{what}}.{{fmt}}",
            deliverables.export,
            name="room_export",
            access=LOGGED_IN,
            load=room_access.room,
        ),
    ]
