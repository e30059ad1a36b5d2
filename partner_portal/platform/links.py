"""Secret tokens: the links sent by mail (organisation and FRG invitations, FRG sign-up links,
call-out answers), calendar feeds, API tokens, login sessions and login attempts — made, stored
and looked up in one way.

A token is 32 random bytes in URL-safe base64 (43 characters, 256 bits). Only its SHA-256
digest is stored, so a leaked database holds no usable link; a presented token is looked up by
its digest (``matching``), after a cheap check that it could be one at all (``plausible``), so
a mangled or hostile value is turned away without touching the database. What a found row's
state means (used, expired, withdrawn) is the feature's to decide; how the reader is told that
a link leads nowhere is said once, here (``gone``), with the feature's advice after it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from partner_portal.platform.errors import Gone
from partner_portal.platform.i18n import gettext as _

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


class Why(StrEnum):
    """Why a link from a mail leads nowhere."""

    UNKNOWN = "unknown"  # mangled, altered, or never made
    EXPIRED = "expired"
    USED = "used"
    WITHDRAWN = "withdrawn"


def gone(why: Why, advice: str = "") -> Gone:
    """The page (410) for a link that leads nowhere: the same title and first sentence for the
    same reason wherever the link came from, then the feature's ``advice`` (what to do now)."""
    title, said = {
        Why.UNKNOWN: (
            _("Länken gäller inte"),
            _(
                "Länken gäller inte. Kontrollera att du har fått med hela länken från "
                "e-postmeddelandet."
            ),
        ),
        Why.EXPIRED: (_("Länken har gått ut"), _("Länken har gått ut.")),
        Why.USED: (_("Länken är redan använd"), _("Länken har redan använts.")),
        Why.WITHDRAWN: (_("Länken är återkallad"), _("Länken har återkallats.")),
    }[why]
    return Gone(f"{said} {advice}".strip(), title=title)
