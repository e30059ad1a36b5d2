"""A meeting's time in words, in Europe/Stockholm and the reader's language."""

from __future__ import annotations

from datetime import datetime

from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.i18n import format_date, format_datetime
from partner_portal.platform.i18n import gettext as _


def when(starts_at: datetime, ends_at: datetime) -> str:
    """E.g. "söndag 25 oktober 2026 10:00–11:00" (another day's end gets its date)."""
    start_day = starts_at.astimezone(TIMEZONE).date()
    end_day = ends_at.astimezone(TIMEZONE).date()
    end = format_datetime(ends_at, "HH:mm")
    if end_day != start_day:
        end = f"{format_date(end_day, 'long')} {end}"
    return f"{format_date(start_day, 'full')} {format_datetime(starts_at, 'HH:mm')}–{end}"


def rule_in_words(starts_at: datetime, ends_at: datetime, interval_weeks: int, count: int) -> str:
    """E.g. "var 6:e vecka på tisdagar 09:00–10:30, 8 gånger från 5 januari 2027"."""
    if interval_weeks == 1:
        every = _("varje vecka")
    elif interval_weeks == 2:
        every = _("varannan vecka")
    else:
        every = _("var %(n)d:e vecka") % {"n": interval_weeks}
    first = starts_at.astimezone(TIMEZONE).date()
    return _("%(every)s på %(weekday)s %(start)s–%(end)s, %(count)d gånger från %(first)s") % {
        "every": every,
        "weekday": format_date(first, "EEEE"),
        "start": format_datetime(starts_at, "HH:mm"),
        "end": format_datetime(ends_at, "HH:mm"),
        "count": count,
        "first": format_date(first, "long"),
    }
