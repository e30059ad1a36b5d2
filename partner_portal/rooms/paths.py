"""Where a room and an organisation's item live: the links evidence, mail and feeds point to."""

from __future__ import annotations


def room_path(room_id: int) -> str:
    return f"/rum/{room_id}"


def item_path(room_id: int, organisation_id: int, item_id: int) -> str:
    return f"/rum/{room_id}/organisationer/{organisation_id}/punkter/{item_id}"
