"""Where a room and an organisation's item live: the links evidence, mail and feeds point to."""

from __future__ import annotations

from partner_portal.platform import paths


def room_path(room_id: int) -> str:
    return paths.fill(paths.ROOM, room_id=room_id)


def item_path(room_id: int, organisation_id: int, item_id: int) -> str:
    return paths.fill(paths.ITEM, room_id=room_id, organisation_id=organisation_id, item_id=item_id)
