"""Questionnaires: this feature's part of the one route table (composed in
partner_portal.routes). Every route names its access policy and loads the room and the
questionnaire item it is on (``questionnaires.access``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import LOGGED_IN
from partner_portal.platform.paths import ITEM, POST, ROOM
from partner_portal.questionnaires import access
from partner_portal.questionnaires import views as questionnaires
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        route(
            f"{ITEM}/formular",
            questionnaires.show,
            name="questionnaire",
            access=LOGGED_IN,
            load=access.questionnaire,
        ),
        route(
            f"{ITEM}/formular",
            questionnaires.save,
            name="questionnaire_save",
            access=LOGGED_IN,
            load=access.questionnaire,
            methods=POST,
        ),
        route(
            f"{ROOM}/formular/{{item_id:id}}.{{fmt}}",
            questionnaires.export,
            name="questionnaire_export",
            access=LOGGED_IN,
            load=access.room_item,
        ),
    ]
