"""The board report as PDF, for the board's papers and the archive: the same words and numbers
as the HTML report, written as HTML (templates/followup/report_pdf.html) and made a tagged,
accessible PDF with full Unicode by partner_portal.platform.pdf (PDF/UA-1)."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment

from partner_portal.followup.report import Report
from partner_portal.platform import i18n
from partner_portal.platform import pdf as pdf_files


async def render(
    env: Environment,
    report: Report,
    *,
    title: str,
    intro: str,
    programme: str,
    sections: list[tuple[str, list[tuple[str, str, str | None]]]],
    level_words: Mapping[str, str],
    process_words: Mapping[str, str],
    labels: Mapping[str, str],
) -> bytes:
    """``sections`` are (heading, answers), each answer (heading, paragraph, note) in the
    reader's language, already worded by the view from the same numbers as the HTML page;
    ``programme`` says which programme version they belong to."""
    html = env.get_template("followup/report_pdf.html").render(
        report=report,
        matrix=report.matrix,
        title=title,
        intro=intro,
        programme=programme,
        sections=sections,
        level_words=level_words,
        process_words=process_words,
        words=labels,
        language=i18n.current_language.get(),
    )
    return await pdf_files.from_html_in_thread(html)
