"""Exports of deliverables as CSV and XLSX (pure: rows in, bytes out).

The headers and words in the files are Swedish whatever the reader's language: the STYREL file
goes on to the grid company and the county board, and both files may be archived as public
records, in Swedish. openpyxl is used here and nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TypeAlias

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partner_portal.deliverables.queries import StyrelExportRow, WaterExportRow

Cell: TypeAlias = str | int
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The columns of Energimyndigheten's planeringsdokument 1 as far as public material confirms
# them: per electricity user and connection point the municipality gives the priority class,
# the user, its activity and justification, the address, the GSRN and the grid company, which
# then fills in the power line (elledning) - so that column is left empty. The exact order of
# the authority's own spreadsheet could not be confirmed; keep this order until it is.
STYREL_HEADERS: tuple[str, ...] = (
    "Prioritetsklass",
    "Elanvändare",
    "Verksamhet",
    "Motivering",
    "Adress",
    "Anläggnings-ID (GSRN)",
    "Elnätsföretag",
    "Elledning",
    "Organisation",
)
STYREL_WIDTHS = (14, 32, 32, 60, 36, 24, 28, 16, 32)
WATER_HEADERS: tuple[str, ...] = (
    "Organisation",
    "Plats",
    "Kategori",
    "Antal personer",
    "Liter per dygn",
    "Personer som inte kan hämta vatten själva",
    "Egen tank",
    "Anteckning",
)
WATER_WIDTHS = (32, 36, 24, 16, 16, 24, 12, 48)
WATER_CATEGORIES = {
    "care": "Vård och omsorg",
    "school": "Förskola och skola",
    "food": "Livsmedel",
    "animals": "Djurhållning",
    "business": "Industri och näringsliv",
    "other": "Övrigt",
}
# A spreadsheet treats a cell beginning with one of these as a formula (tab and carriage return
# too, in some): a name like "=HYPERLINK(…)" typed into the portal must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _styrel_cells(row: StyrelExportRow) -> tuple[Cell, ...]:
    return (
        row.point_class,
        row.user_name,
        row.activity,
        row.justification,
        row.address,
        row.gsrn,
        row.grid_company,
        "",  # Elledning: the grid company's to fill in
        row.organisation_name,
    )


def _water_cells(row: WaterExportRow) -> tuple[Cell, ...]:
    return (
        row.organisation_name,
        row.site,
        WATER_CATEGORIES[row.category.value],
        row.persons,
        row.litres_per_day,
        row.vulnerable,
        "Ja" if row.own_tank else "Nej",
        row.note,
    )


def _is_formula_like(value: str) -> bool:
    return value.startswith(_FORMULA_START)


# --- CSV ---------------------------------------------------------------------------------


def _csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
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


def styrel_csv(rows: Iterable[StyrelExportRow]) -> bytes:
    return _csv(STYREL_HEADERS, (_styrel_cells(r) for r in rows))


def water_csv(rows: Iterable[WaterExportRow]) -> bytes:
    return _csv(WATER_HEADERS, (_water_cells(r) for r in rows))


# --- XLSX --------------------------------------------------------------------------------


def _xlsx(
    title: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Cell]],
    *,
    text_columns: frozenset[int] = frozenset(),
) -> bytes:
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


def styrel_xlsx(rows: Iterable[StyrelExportRow]) -> bytes:
    gsrn_column = STYREL_HEADERS.index("Anläggnings-ID (GSRN)") + 1
    return _xlsx(
        "STYREL",
        STYREL_HEADERS,
        STYREL_WIDTHS,
        (_styrel_cells(r) for r in rows),
        text_columns=frozenset({gsrn_column}),
    )


def water_xlsx(rows: Iterable[WaterExportRow]) -> bytes:
    return _xlsx("Nödvatten", WATER_HEADERS, WATER_WIDTHS, (_water_cells(r) for r in rows))
