"""The board report as PDF, for the board's papers and the archive. The only module using fpdf2.

The HTML report is the accessible original; this file carries the same words and numbers. The
built-in PDF fonts cover Latin-1 (å, ä, ö included); the few typographic characters outside it
are replaced, so no font file has to ship with the portal.
"""

from __future__ import annotations

from collections.abc import Mapping

from partner_portal.followup.report import Report

_OUTSIDE_LATIN_1 = {"–": "-", "—": "-", "”": '"', "“": '"', "’": "'", "…": "...", "×": "x"}


def _latin(text: str) -> str:
    for char, replacement in _OUTSIDE_LATIN_1.items():
        text = text.replace(char, replacement)
    return text.encode("latin-1", "replace").decode("latin-1")


def render(
    report: Report,
    *,
    title: str,
    intro: str,
    answers: list[tuple[str, str]],
    level_words: Mapping[str, str],
    process_words: Mapping[str, str],
    labels: Mapping[str, str],
) -> bytes:
    """``answers`` are (heading, paragraph) in the reader's language, already worded by the
    view from the same numbers as the HTML page."""
    # Imported here: fpdf2 (with fontTools) costs every web process ~30 MiB at start-up.
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_latin(title))
    pdf.set_author("Botkyrka kommun")
    pdf.set_creator("Partnerportalen")
    pdf.set_lang("sv")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _latin(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for heading, paragraph in answers:
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, _latin(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin(labels["matrix"]), new_x="LMARGIN", new_y="NEXT")
    matrix = report.matrix
    widths = [77] + [40] * len(matrix.processes)
    pdf.set_font("Helvetica", "B", 9)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        header = table.row()
        header.cell(_latin(labels["organisation"]))
        for process in matrix.processes:
            header.cell(_latin(process_words[process.value]))
        pdf.set_font("Helvetica", "", 9)
        for organisation in matrix.organisations:
            row = table.row()
            name = organisation.name
            if not organisation.is_active:
                name += f" ({labels['inactive']})"
            row.cell(_latin(name))
            for process in matrix.processes:
                cell = matrix.cell(organisation.id, process)
                words = level_words[cell.level.value]
                if cell.facts.late:
                    words += f", {labels['late']}"
                row.cell(_latin(words))
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin(labels["footer"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
