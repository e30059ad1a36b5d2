"""Consultations (remisser) on plan versions (object access in rooms.access and
consultations.access, loaded by the routes; the rest in the service): this feature's part of the
one route table (composed in partner_portal.routes). Every route names its access policy."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.auth.access import COORDINATOR, LOGGED_IN
from partner_portal.consultations import access as consultation_access
from partner_portal.consultations import views as consultations
from partner_portal.platform.paths import POST, REMISS, ROOM
from partner_portal.rooms import access as room_access
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Consultations (remisser) on plan versions (the room or the consultation is loaded)
        route(
            f"{ROOM}/remisser",
            consultations.index,
            name="consultations",
            access=LOGGED_IN,
            load=room_access.room,
        ),
        route(
            f"{ROOM}/remisser",
            consultations.open_consultation,
            name="consultation_open",
            access=COORDINATOR,
            load=room_access.room,
            methods=POST,
        ),
        route(
            REMISS,
            consultations.show,
            name="consultation",
            access=LOGGED_IN,
            load=consultation_access.consultation,
        ),
        route(
            f"{REMISS}/inga-synpunkter",
            consultations.confirm_no_objections,
            name="statement_no_objections",
            access=LOGGED_IN,
            load=consultation_access.consultation,
        ),
        route(
            f"{REMISS}/yttranden",
            consultations.submit,
            name="statement_submit",
            access=LOGGED_IN,
            load=consultation_access.consultation,
            methods=POST,
            uploads=True,
        ),
        route(
            f"{REMISS}/sammanstallning",
            consultations.compilation,
            name="consultation_compilation",
            access=COORDINATOR,
            load=consultation_access.consultation,
        ),
        route(
            f"{REMISS}/sammanstallning.{{fmt}}",
            consultations.export,
            name="consultation_export",
            access=COORDINATOR,
            load=consultation_access.consultation,
        ),
        route(
            f"{REMISS}/yttranden/{{statement_id:id}}/svar",
            consultations.respond_statement,
            name="statement_respond",
            access=COORDINATOR,
            load=consultation_access.consultation,
            methods=POST,
        ),
        route(
            f"{REMISS}/kommentarer/{{comment_id:id}}/svar",
            consultations.respond_comment,
            name="comment_respond",
            access=COORDINATOR,
            load=consultation_access.consultation,
            methods=POST,
        ),
    ]
