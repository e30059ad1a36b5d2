"""What counts as an email address the portal can send to. Pure: no I/O.

One rule for every place an address comes from — a form, a login's ``email`` claim, the
register — so that what is stored as an email can also be mailed.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]{2,}$")
MAX_LENGTH = 320


def usable_address(value: str | None) -> str | None:
    """The address in lower case, or None for anything that is not one (a login id, a name,
    an address with spaces or line breaks, or one too long for any mail server)."""
    if not value:
        return None
    value = value.strip().lower()
    if len(value) > MAX_LENGTH or not _EMAIL.match(value):
        return None
    return value
