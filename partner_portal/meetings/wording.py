"""A meeting's time in words, in Europe/Stockholm and the reader's language."""

from __future__ import annotations

from datetime import datetime

from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.i18n import format_date, format_datetime


def when(starts_at: datetime, ends_at: datetime) -> str:
    """E.g. "söndag 25 oktober 2026 10:00–11:00" (another day's end gets its date)."""
    start_day = starts_at.astimezone(TIMEZONE).date()
    end_day = ends_at.astimezone(TIMEZONE).date()
    end = format_datetime(ends_at, "HH:mm")
    if end_day != start_day:
        end = f"{format_date(end_day, 'long')} {end}"
    return f"{format_date(start_day, 'full')} {format_datetime(starts_at, 'HH:mm')}–{end}"
