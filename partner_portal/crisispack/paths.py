"""Where a room's crisis pack lives (the route table's patterns, and the evidence's link)."""

from __future__ import annotations

from partner_portal.platform import paths

PAGE = f"{paths.ROOM}/beredskapspaket"
PDF = f"{PAGE}.pdf"
HTML = f"{PAGE}.html"


def pack_path(room_id: int) -> str:
    return paths.fill(PAGE, room_id=room_id)
