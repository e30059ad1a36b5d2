"""Swedish text rules: alphabetical order (å, ä, ö after z) and organisation numbers."""

from __future__ import annotations

import re
import unicodedata

# Swedish alphabetical order (SAOL since 2006: v and w are separate letters). Letters that
# Swedish sorts as another letter map to it: é → e, ü → y, æ → ä, ø → ö.
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzåäö"
_SAME_AS = {"æ": "ä", "ø": "ö", "ü": "y", "ß": "s"}
_KEEP = set("åäö")


def _base_letter(char: str) -> str:
    if char in _KEEP:
        return char
    if char in _SAME_AS:
        return _SAME_AS[char]
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if decomposed else char


def swedish_sort_key(text: str) -> str:
    """A key whose plain byte order is Swedish alphabetical order.

    The key uses only digits, so it sorts the same under every database collation: it can be
    stored beside a name and used in ORDER BY on SQLite and PostgreSQL alike.
    """
    codes = []
    for char in text.casefold():
        base = _base_letter(char)
        position = _ALPHABET.find(base)
        # Spaces and punctuation sort before digits and letters; other scripts after ö.
        if position >= 0:
            codes.append(f"{position + 2:02d}")
        elif base.isspace() or not base.isalnum():
            codes.append("01")
        else:
            codes.append("99")
    return "".join(codes)


_ORG_NUMBER = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_org_number(raw: str) -> str | None:
    """``NNNNNN-NNNN`` for a valid Swedish organisation number, else None.

    Accepts the ten digits with or without the hyphen, and the twelve-digit form with the
    ``16`` prefix. The check digit must be right (the Luhn algorithm over the ten digits) and
    the third digit at least 2, which separates legal entities from personal identity numbers.
    """
    match = _ORG_NUMBER.match(raw.strip().replace(" ", ""))
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    if int(digits[2]) < 2 or not luhn_valid(digits):
        return None
    return f"{digits[:6]}-{digits[6:]}"
