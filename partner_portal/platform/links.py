"""Secret tokens: the links sent by mail (organisation and FRG invitations, FRG sign-up links,
call-out answers), calendar feeds, API tokens, login sessions and login attempts — made, stored
and looked up in one way.

A token is 32 random bytes in URL-safe base64 (43 characters, 256 bits). Only its SHA-256
digest is stored, so a leaked database holds no usable link; a presented token is looked up by
its digest (``matching``), after a cheap check that it could be one at all (``plausible``), so
a mangled or hostile value is turned away without touching the database. What a found row's
state means (used, expired, withdrawn) stays with the feature that owns the link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

import sqlalchemy as sa

TOKEN_BYTES = 32
_LONGEST = 100  # any token this portal makes is shorter (an API token's prefix included)
_PLAUSIBLE = re.compile(r"[A-Za-z0-9_-]+")


def new_token() -> str:
    """A new token: it goes into the mail or the cookie, and only its digest is stored."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What is stored for ``token`` (hex SHA-256: the token has 256 bits, no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token: str | None) -> bool:
    """Could ``token`` be one of ours? (Not whether it is: that takes the database.)"""
    return (
        token is not None and 0 < len(token) <= _LONGEST and _PLAUSIBLE.fullmatch(token) is not None
    )


def matching(column: Any, token: str) -> sa.ColumnElement[bool]:
    """The condition that finds the row whose stored digest is ``token``'s."""
    condition: sa.ColumnElement[bool] = column == digest(token)
    return condition
