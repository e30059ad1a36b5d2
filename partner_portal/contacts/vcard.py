"""vCard 3.0 (RFC 2426, with RFC 6350's escaping and folding): the one module that writes
vCards. Cards in, bytes out; no library needed for a format this small."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MEDIA_TYPE = "text/vcard; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Card:
    full_name: str
    organisation: str
    title: str = ""  # the crisis role, or what the number is ("Tjänsteman i beredskap")
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    note: str = ""


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _card(card: Card) -> list[str]:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{_escape(card.full_name)}",
        f"N:{_escape(card.full_name)};;;;",
        f"ORG:{_escape(card.organisation)}",
    ]
    if card.title:
        lines.append(f"TITLE:{_escape(card.title)}")
    lines += [f"TEL;TYPE=VOICE:{_escape(phone)}" for phone in card.phones if phone]
    lines += [f"EMAIL;TYPE=INTERNET:{_escape(email)}" for email in card.emails if email]
    if card.note:
        lines.append(f"NOTE:{_escape(card.note)}")
    lines.append("END:VCARD")
    return lines


def vcards(cards: Iterable[Card]) -> bytes:
    return "".join(_fold(line) + "\r\n" for card in cards for line in _card(card)).encode()
