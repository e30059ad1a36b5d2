""" "Väntar på svar": the process filter, and which rows a "Påminn" names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partner_portal.evidence.models import Process
from partner_portal.followthrough.service import parse_key
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _

MAX_ROWS = 500  # one POST reminds at most this many rows


def process(raw: str | None) -> Process | None:
    """The chosen process; none (every process) for an empty or unknown value."""
    try:
        return Process(raw) if raw else None
    except ValueError:
        return None


def chosen_rows(form: Any) -> list[str]:
    """The one row whose "Påminn" was pressed, or else the rows ticked; Invalid if none."""
    one = form.get("en")
    if isinstance(one, str) and parse_key(one) is not None:
        return [one]
    keys = [k for k in form.getlist("rad") if isinstance(k, str) and parse_key(k) is not None]
    if not keys:
        raise Invalid({"rad": _("Välj minst en rad att påminna om.")})
    if len(keys) > MAX_ROWS:
        raise Invalid({"rad": _("Välj högst %(n)s rader åt gången.") % {"n": MAX_ROWS}})
    return list(dict.fromkeys(keys))


def query_of(process: Process | None) -> Mapping[str, str]:
    return {"process": process.value} if process else {}
