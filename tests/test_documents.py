"""DOCX documents: headings in Word's heading styles, paragraphs with their line breaks and
Swedish letters, text that XML cannot hold stripped; the file opens in python-docx."""

from __future__ import annotations

import io
from typing import Any

import docx

from partner_portal.platform import clock
from partner_portal.platform.documents import Heading, Paragraph, docx_bytes


def test_a_document_opens_with_its_headings_paragraphs_and_title() -> None:
    made = docx_bytes(
        "Sammanställning för Årsta",
        [
            Heading("Sammanställning för Årsta"),
            Paragraph("Första raden\nandra raden, på svenska: åäö ÅÄÖ"),
            Heading("Yttranden", 2),
            Paragraph("Viktigt", bold=True),
            Heading("Räddningstjänsten", 3),
            Paragraph("Text med styrtecken\x01\x0b borttagna <w:p/> & kvar som text"),
        ],
    )

    opened = docx.Document(io.BytesIO(made))

    assert [(_style(p), p.text) for p in opened.paragraphs] == [
        ("Heading 1", "Sammanställning för Årsta"),
        ("Normal", "Första raden\nandra raden, på svenska: åäö ÅÄÖ"),
        ("Heading 2", "Yttranden"),
        ("Normal", "Viktigt"),
        ("Heading 3", "Räddningstjänsten"),
        ("Normal", "Text med styrtecken borttagna <w:p/> & kvar som text"),
    ]
    assert opened.paragraphs[3].runs[0].bold is True
    assert opened.paragraphs[1].runs[0].bold is None
    properties = opened.core_properties
    assert (properties.title, properties.author) == ("Sammanställning för Årsta", "Partnerportalen")
    assert properties.created is not None
    assert abs(properties.created - clock.now()).total_seconds() < 60
    section = opened.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4


def _style(paragraph: Any) -> str | None:
    """A paragraph's style name, as an office suite shows it."""
    return paragraph.style.name if paragraph.style is not None else None
