"""Form parsing shared by every feature: field errors in Swedish, values kept for refilling."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from partner_portal.mail.addresses import usable_address


def text(form: Mapping[str, Any], name: str, *, max_length: int) -> str:
    """The field as stripped text; anything that is not text (an upload) counts as empty."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip()[: max_length + 1]


def email_address(value: str) -> str | None:
    return usable_address(value)


def choice(value: str, allowed: Mapping[str, Any]) -> Any | None:
    return allowed.get(value)


def iso_day(value: str | None) -> date | None:
    """A day written YYYY-MM-DD (exactly: not the shorter forms fromisoformat also reads)."""
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def positive_int(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < len(value) <= 12 else None
