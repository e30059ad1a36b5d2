"""Tables as files: CSV (UTF-8 with BOM, semicolons) and XLSX. The only module using openpyxl.

Rows in, bytes out. Cells that a spreadsheet would take for a formula are neutralised, since
what partners typed ends up in files the municipality opens.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TypeAlias

Cell: TypeAlias = str | int
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value: str) -> bool:
    return value.startswith(_FORMULA_START)


# --- CSV ---------------------------------------------------------------------------------


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads å, ä, ö right), semicolons (Excel's separator
    in a Swedish locale, where the comma is the decimal sign), CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            "'" + cell if isinstance(cell, str) and _is_formula_like(cell) else cell for cell in row
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX --------------------------------------------------------------------------------


def xlsx_bytes(
    title: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Cell]],
    *,
    text_columns: frozenset[int] = frozenset(),
) -> bytes:
    # Imported here, not at the top: openpyxl costs every web process ~18 MiB, and only the
    # few who download a spreadsheet need it.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=column, value=header).font = bold
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, int):
                cell.value = value
                continue
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            # openpyxl stores a string beginning with "=" as a formula: keep every string a
            # string, and mark formula-like ones so Excel keeps them text when edited.
            cell.data_type = "s"
            if _is_formula_like(value):
                cell.quotePrefix = True
            if column in text_columns:
                cell.number_format = "@"  # a GSRN is an id, not a number to round to 7.36E+17
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
