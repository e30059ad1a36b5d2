"""HTML to a tagged, accessible PDF (PDF/UA-1) with full Unicode: the one module using
WeasyPrint. The crisis pack and the board report are written as HTML (templates with a print
stylesheet) and turned into PDF here; the fonts are the system's (DejaVu and Liberation on
Debian), embedded and subset by WeasyPrint, so any name prints as written.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0,
fonts-dejavu-core); tasks.py installs them where it can.
"""

from __future__ import annotations

import asyncio
import logging

MEDIA_TYPE = "application/pdf"
VARIANT = "pdf/ua-1"


def from_html(html: str) -> bytes:
    """The PDF of a whole HTML document: its ``lang`` becomes the document language, its
    ``<title>`` the title, its headings, lists and tables the structure tree. Nothing outside
    the document is fetched (only ``data:`` URIs are read): no network, no files."""
    # Imported here, not at the top: WeasyPrint (with Pango, fontTools and pydyf) costs every
    # web process tens of MiB at start-up, and only those who download a PDF need it.
    from weasyprint import HTML, URLFetcher

    # WeasyPrint tells, through logging, of CSS it ignores: not the reader's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=VARIANT)
    return pdf


async def from_html_in_thread(html: str) -> bytes:
    """:func:`from_html` in a worker thread: rendering takes seconds of CPU for a long document,
    and the event loop serves every other request meanwhile."""
    return await asyncio.to_thread(from_html, html)
