"""Exports of deliverables as CSV and XLSX (pure: rows in, bytes out).

The headers and words in the files are Swedish whatever the reader's language: the STYREL file
goes on to the grid company and the county board, and both files may be archived as public
records, in Swedish. The file formats themselves live in partner_portal.platform.tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from partner_portal.deliverables.queries import StyrelExportRow, WaterExportRow
from partner_portal.platform.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Cell,
    csv_bytes,
    xlsx_bytes,
)

__all__ = ["CSV_MEDIA_TYPE", "XLSX_MEDIA_TYPE"]

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


def styrel_csv(rows: Iterable[StyrelExportRow]) -> bytes:
    return csv_bytes(STYREL_HEADERS, (_styrel_cells(r) for r in rows))


def water_csv(rows: Iterable[WaterExportRow]) -> bytes:
    return csv_bytes(WATER_HEADERS, (_water_cells(r) for r in rows))


def styrel_xlsx(rows: Iterable[StyrelExportRow]) -> bytes:
    gsrn_column = STYREL_HEADERS.index("Anläggnings-ID (GSRN)") + 1
    return xlsx_bytes(
        "STYREL",
        STYREL_HEADERS,
        STYREL_WIDTHS,
        (_styrel_cells(r) for r in rows),
        text_columns=frozenset({gsrn_column}),
    )


def water_xlsx(rows: Iterable[WaterExportRow]) -> bytes:
    return xlsx_bytes("Nödvatten", WATER_HEADERS, WATER_WIDTHS, (_water_cells(r) for r in rows))
