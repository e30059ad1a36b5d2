"""Word-processing documents (DOCX) from headings and paragraphs, written with python-docx.

Headings and paragraphs are enough for the exports that need a document an office suite
opens (Word, LibreOffice). python-docx escapes text as XML; characters XML cannot hold are
stripped first, so what partners typed is only ever text in the document. The library is
imported only when a document is made: a web process does not load it at start.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from partner_portal.platform import clock

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    bold: bool = False


Block = Heading | Paragraph


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def docx_bytes(title: str, blocks: Iterable[Block]) -> bytes:
    """An A4 document titled ``title``: headings in Word's heading styles, line breaks kept."""
    import docx
    from docx.shared import Cm, Mm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.right_margin = Cm(2)
    section.bottom_margin = section.left_margin = Cm(2)
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(_text(block.text), level=min(max(block.level, 1), 9))
        else:
            # A run's text turns each "\n" into a line break within the paragraph.
            document.add_paragraph().add_run(_text(block.text)).bold = block.bold or None
    properties = document.core_properties
    properties.title = _text(title)
    properties.author = properties.last_modified_by = "Partnerportalen"
    properties.created = properties.modified = clock.now()
    properties.revision = 1
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
