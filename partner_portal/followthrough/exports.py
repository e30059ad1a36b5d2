""" "Väntar på svar" as a file: CSV and XLSX (partner_portal.platform.tables), in Swedish
whatever the reader's language, like the follow-up's files."""

from __future__ import annotations

from collections.abc import Sequence

from partner_portal.followthrough.queries import OwedRow
from partner_portal.platform import i18n
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS
from partner_portal.platform.tables import Cell, csv_bytes, xlsx_bytes

SHEET = "Väntar på svar"
WIDTHS = (36, 26, 20, 30, 36, 10, 18, 18, 18)


def _headers() -> list[str]:
    return [
        _("Organisation"),
        _("Vad"),
        _("Process"),
        _("Rum"),
        _("Avser"),
        _("Antal"),
        _("Senast"),
        _("Väntar sedan"),
        _("Senast påmind"),
    ]


def _due(row: OwedRow) -> str:
    if row.due_on is not None:
        return i18n.format_date(row.due_on, "short")
    if row.due_at is not None:
        return i18n.format_datetime(row.due_at, "short")
    return ""


def _rows(rows: Sequence[OwedRow]) -> list[list[Cell]]:
    return [
        [
            r.organisation_name,
            LABELS.owed[r.owed.value],
            LABELS.processes[r.process.value] if r.process else "",
            r.room_name or "",
            r.title,
            r.open_items,
            _due(r),
            i18n.format_date(r.asked_at, "short"),
            i18n.format_datetime(r.last_reminded_at, "short") if r.last_reminded_at else "",
        ]
        for r in rows
    ]


def as_csv(rows: Sequence[OwedRow]) -> bytes:
    token = i18n.current_language.set("sv")
    try:
        return csv_bytes(_headers(), _rows(rows))
    finally:
        i18n.current_language.reset(token)


def as_xlsx(rows: Sequence[OwedRow]) -> bytes:
    token = i18n.current_language.set("sv")
    try:
        return xlsx_bytes(SHEET, _headers(), WIDTHS, _rows(rows))
    finally:
        i18n.current_language.reset(token)
