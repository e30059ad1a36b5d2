"""A plan's comments as a table (CSV or XLSX): what partners wrote, for the archive.

Text goes out as text: ``tables`` neutralises anything a spreadsheet would run as a formula.
"""

from __future__ import annotations

from datetime import datetime

from partner_portal.plans.queries import CommentRow
from partner_portal.platform import tables
from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.i18n import gettext as _

_WIDTHS = (30, 10, 10, 24, 30, 9, 18, 18, 80)


def _headers() -> list[str]:
    return [
        _("Avsnitt"),
        _("Kommentar"),
        _("Svar på"),
        _("Skriven av"),
        _("Organisation"),
        _("Version"),
        _("Skriven"),
        _("Redigerad"),
        _("Text"),
    ]


def _rows(comments: list[CommentRow], headings: dict[int, str]) -> list[list[tables.Cell]]:
    def when(value: datetime) -> str:
        return value.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")

    return [
        [
            headings.get(c.section_id, ""),
            c.id,
            c.parent_id or "",
            c.author_name,
            c.organisation_name or _("Kommunen (samordnare)"),
            c.version_number,
            when(c.created_at),
            when(c.edited_at) if c.edited_at else "",
            c.body,
        ]
        for c in comments
    ]


def comments_csv(comments: list[CommentRow], headings: dict[int, str]) -> bytes:
    return tables.csv_bytes(_headers(), _rows(comments, headings))


def comments_xlsx(comments: list[CommentRow], headings: dict[int, str]) -> bytes:
    return tables.xlsx_bytes(_("Kommentarer"), _headers(), _WIDTHS, _rows(comments, headings))
