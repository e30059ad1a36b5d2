"""What the route table's paths are made of: the ``{…:id}`` convertor, the prefixes the
features' routes share, and the patterns of the pages that links in mail, evidence and feeds
point to — written once, used by the route table and (through :func:`fill`) by the services
that make those links. Importing this module registers the convertor."""

from __future__ import annotations

import re
from typing import Any

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
REMISS = f"{ROOM}/remisser/{{consultation_id:id}}"
MEETING = "/moten/{meeting_id:id}"
ACTION = "/atgarder/{action_id:id}"
FRG = "/frg/{organisation_id:id}"
LEAD = f"{FRG}/ledning"
PLAN = f"{ROOM}/planer/{{plan_id:id}}"
ITEM = f"{ROOM}/organisationer/{{organisation_id:id}}/punkter/{{item_id:id}}"
FILES = f"{ROOM}/filer"
CALLOUT = f"{LEAD}/utlarmningar/{{callout_id:id}}"
AVAILABILITY = f"{FRG}/tillganglighet"
# Links that carry their own secret token (partner_portal/platform/links.py).
INVITATION_LINK = "/inbjudan/{token}"
FRG_INVITATION_LINK = "/frg/inbjudan/{token}"
FRG_SIGNUP_LINK = "/frg/anmalan/{token}"
CALLOUT_ANSWER_LINK = "/frg/svar/{token}"
AVAILABILITY_LINK = "/frg/tillganglighet/{token}"

_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def fill(pattern: str, /, **values: Any) -> str:
    """The path ``pattern`` names, with its parameters filled in: ``fill(ROOM, room_id=7)`` is
    ``/rum/7``. Every parameter must be given, and nothing else (a KeyError or ValueError
    otherwise): a link a service makes cannot drift from the route it points to."""
    names = _PARAMETER.findall(pattern)
    if set(names) != values.keys():
        raise ValueError(f"{pattern} takes {sorted(names)}, not {sorted(values)}")
    return _PARAMETER.sub(lambda m: str(values[m.group(1)]), pattern)
