"""Signed links for the periodic availability mail: no login, nothing stored.

A link says "volunteer V does A", expires at E and carries an HMAC of that under the portal's
secret key, so it cannot be altered or made for another volunteer. (Call-out answer links are
different: a random token per recipient, stored hashed, see partner_portal.frg.callouts.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime

ACTIONS = ("stammer", "ja", "nej")  # pattern still right / available this week / not this week
_SHAPE = re.compile(r"^([1-9][0-9]{0,9})\.(stammer|ja|nej)\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})$")


def _signature(secret: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"frg-availability:{body}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def sign(secret: str, volunteer_id: int, action: str, expires_at: datetime) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    body = f"{volunteer_id}.{action}.{int(expires_at.timestamp())}"
    return f"{body}.{_signature(secret, body)}"


class BadToken(Exception):
    def __init__(self, expired: bool) -> None:
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def read(secret: str, token: str, now: datetime) -> tuple[int, str]:
    """(volunteer id, action) of a genuine, unexpired link; BadToken otherwise."""
    match = _SHAPE.match(token)
    if match is None:
        raise BadToken(expired=False)
    volunteer_id, action, expires, signature = match.groups()
    body = f"{volunteer_id}.{action}.{expires}"
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise BadToken(expired=False)
    if int(expires) <= now.timestamp():
        raise BadToken(expired=True)
    return int(volunteer_id), action
