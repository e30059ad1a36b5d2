"""Files in a room (who sees which file is checked in attachments.access): this feature's part of
the one route table (composed in partner_portal.routes). Every route names its access policy,
and loads the room it is in (``rooms.access.room``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from partner_portal.attachments import views as files
from partner_portal.auth.access import LOGGED_IN
from partner_portal.platform.paths import FILES, POST, ROOM
from partner_portal.rooms import access as room_access
from partner_portal.web import route


def routes() -> list[BaseRoute]:
    return [
        # Files in a room (who sees which file is checked in attachments.access)
        route(
            FILES,
            files.index,
            name="room_files",
            access=LOGGED_IN,
            load=room_access.room,
        ),
        route(
            FILES,
            files.upload,
            name="room_files_upload",
            access=LOGGED_IN,
            load=room_access.room,
            methods=POST,
            uploads=True,
        ),
        route(
            f"{ROOM}/filer/{{file_id:id}}",
            files.download,
            name="room_file",
            access=LOGGED_IN,
            load=room_access.room,
        ),
    ]
