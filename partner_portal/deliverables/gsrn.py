"""GSRN ids of electricity connection points, and the STYREL priority classes.

A GSRN (anläggnings-id, formerly called EAN code) identifies where an electricity user sits in the
grid. Swedish ones are 18 digits and begin 735999; the last digit is the GS1 mod-10 check digit.
The grid company finds the user by it, so a single wrong digit silently drops a hospital from the
priority list: the check digit is worth verifying at the door.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

GSRN_LENGTH = 18
SWEDISH_PREFIX = "735999"
# What people paste: the digits in groups, separated by spaces (also non-breaking) or hyphens.
_SEPARATORS = re.compile(r"[\s\u00a0\u202f-]+")
_DIGITS = re.compile(r"^[0-9]+$")  # not str.isdigit(), which also accepts "²" and "٣"


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for ``digits`` (everything but the check digit itself).

    From the right, the digits are weighted 3, 1, 3, 1, …; the check digit brings the weighted
    sum up to a multiple of ten.
    """
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def normalise_gsrn(raw: str) -> str | None:
    """The 18 digits of a valid Swedish GSRN, or None.

    Spaces and hyphens between digit groups are accepted; anything else (letters, too few or too
    many digits, another prefix, a wrong check digit) is not.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if len(digits) != GSRN_LENGTH or not _DIGITS.match(digits):
        return None
    if not digits.startswith(SWEDISH_PREFIX):
        return None
    if gs1_check_digit(digits[:-1]) != int(digits[-1]):
        return None
    return digits


def format_gsrn(gsrn: str) -> str:
    """Grouped for reading aloud and comparing with a meter or an invoice: 735999 1234 5678 9012."""
    return f"{gsrn[:6]} {gsrn[6:10]} {gsrn[10:14]} {gsrn[14:]}" if len(gsrn) == 18 else gsrn


def N_(message: str) -> str:
    """Mark a message for translation without translating it now (at import time the language
    of the request is not known); translate with ``gettext`` where it is shown."""
    return message


# Energimyndigheten's priority classes: class 1 is kept connected longest, class 8 is
# disconnected first. `N_` is a name babel extracts by default. Swedish source; translate on use.
PRIORITY_CLASSES: Mapping[int, str] = {
    1: N_(
        "Elanvändare som inom timmar kan få allvarliga konsekvenser för liv och hälsa om "
        "elen bryts."
    ),
    2: N_(
        "Elanvändare som inom timmar kan få allvarliga konsekvenser för samhällets "
        "funktionalitet om elen bryts."
    ),
    3: N_(
        "Elanvändare som inom dagar kan få allvarliga konsekvenser för liv och hälsa om elen bryts."
    ),
    4: N_(
        "Elanvändare som inom dagar kan få allvarliga konsekvenser för samhällets "
        "funktionalitet om elen bryts."
    ),
    5: N_("Elanvändare som representerar stora ekonomiska värden."),
    6: N_("Elanvändare som har stor betydelse för miljön."),
    7: N_("Elanvändare som har stor betydelse för sociala eller kulturella värden."),
    8: N_("Övriga elanvändare. De kopplas bort först."),
}
PRIORITY_CLASS_RANGE = range(1, 9)
