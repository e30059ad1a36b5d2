"""What the route table's paths are made of: the ``{…:id}`` convertor and the prefixes the
features' routes share. Importing this module registers the convertor."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[int]):
    """Database ids in paths: a positive integer that fits every database's integer column,
    so an oversized or malformed id is simply a page that does not exist (404)."""

    regex = "[1-9][0-9]{0,8}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())

GET, POST, GET_POST = ["GET"], ["POST"], ["GET", "POST"]
ORG = "/organisationer/{organisation_id:id}"
ROOM = "/rum/{room_id:id}"
ITEM = f"{ROOM}/organisationer/{{organisation_id:id}}/punkter/{{item_id:id}}"
REMISS = f"{ROOM}/remisser/{{consultation_id:id}}"
MEETING = "/moten/{meeting_id:id}"
ACTION = "/atgarder/{action_id:id}"
FRG = "/frg/{organisation_id:id}"
LEAD = f"{FRG}/ledning"
PLAN = f"{ROOM}/planer/{{plan_id:id}}"
