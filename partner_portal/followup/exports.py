"""The follow-up as files: the matrix and the evidence, in CSV and XLSX.

The words in the files are Swedish whatever the reader's language: they go to the board's papers
and may be archived as public records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partner_portal.followup.queries import EvidenceRow
from partner_portal.followup.service import Matrix
from partner_portal.platform import i18n
from partner_portal.platform.labels import LABELS
from partner_portal.platform.tables import Cell, csv_bytes, xlsx_bytes

# An evidence export is for a period; past this many rows, narrow the period.
EVIDENCE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Table:
    sheet: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    rows: list[tuple[Cell, ...]]


def matrix_table(matrix: Matrix) -> Table:
    token = i18n.current_language.set("sv")
    try:
        headers = (
            "Organisation",
            "Sort",
            "Status i registret",
            *tuple(LABELS.processes[p.value] for p in matrix.processes),
        )
        rows: list[tuple[Cell, ...]] = []
        for organisation in matrix.organisations:
            cells: list[Cell] = [
                organisation.name,
                LABELS.kinds[organisation.kind.value],
                "Aktiv" if organisation.is_active else "Inaktiverad",
            ]
            for process in matrix.processes:
                cell = matrix.cell(organisation.id, process)
                words = LABELS.levels[cell.level.value]
                cells.append(f"{words}, försenat" if cell.facts.late else words)
            rows.append(tuple(cells))
        return Table("Deltagande", headers, (40, 24, 16) + (24,) * len(matrix.processes), rows)
    finally:
        i18n.current_language.reset(token)


def evidence_table(rows: Sequence[EvidenceRow], *, base_url: str) -> Table:
    token = i18n.current_language.set("sv")
    try:
        table_rows: list[tuple[Cell, ...]] = [
            (
                row.id,
                i18n.format_datetime(row.occurred_at, "yyyy-MM-dd HH:mm"),
                row.organisation_name,
                LABELS.processes[row.process.value] if row.process else "",
                LABELS.evidence.get(row.kind.value, row.kind.value),
                row.person_name or "",
                row.room_name or "",
                row.phase_title or "",
                "ja" if row.details.get("late") else "",
                f"{base_url}{row.link}",
            )
            for row in rows
        ]
        headers = (
            "Id",
            "Tid (svensk tid)",
            "Organisation",
            "Process",
            "Händelse",
            "Person",
            "Planeringsrum",
            "Fas",
            "Försenat",
            "Länk",
        )
        return Table("Evidens", headers, (10, 18, 36, 24, 40, 24, 30, 30, 10, 60), table_rows)
    finally:
        i18n.current_language.reset(token)


def as_csv(table: Table) -> bytes:
    return csv_bytes(table.headers, table.rows)


def as_xlsx(table: Table) -> bytes:
    return xlsx_bytes(table.sheet, table.headers, table.widths, table.rows)
