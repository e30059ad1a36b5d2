"""Emails from a template triple: escaped where HTML, readable where text, Swedish intact."""

from __future__ import annotations

import email
import email.policy
import email.utils
from email.message import EmailMessage

import jinja2
import pytest

from partner_portal.mail.messages import Message, build, to_email
from partner_portal.platform.resources import resource_dir

HOSTILE = "O'Brien & Co <script>alert(1)</script>"


def test_html_is_escaped_text_and_subject_read_as_written(email_env: jinja2.Environment) -> None:
    message = build(
        email_env,
        "welcome",
        " erik.oberg@botkyrkabyggen.example ",
        {
            "name": "Åsa Öberg",
            "organisation": HOSTILE,
            "link": "https://portal.example/inbjudan?token=a1&lang=sv",
        },
    )

    assert message.to == "erik.oberg@botkyrkabyggen.example"
    assert message.subject == f"Välkommen till {HOSTILE}"
    assert "Hej Åsa Öberg!" in message.text
    assert f"Du är inbjuden till {HOSTILE} i Partnerportalen." in message.text
    assert "Öppna inbjudan: https://portal.example/inbjudan?token=a1&lang=sv\n" in message.text
    assert "<script>" not in message.html
    assert "O&#39;Brien &amp; Co &lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert 'href="https://portal.example/inbjudan?token=a1&amp;lang=sv"' in message.html
    assert "<p>Hej Åsa Öberg!</p>" in message.html


def test_the_subject_is_one_line_whatever_the_context(email_env: jinja2.Environment) -> None:
    message = build(
        email_env,
        "welcome",
        "a@example.se",
        {"name": "A", "organisation": "Botkyrka\r\nBcc: all@example.se  ", "link": "x"},
    )

    assert message.subject == "Välkommen till Botkyrka Bcc: all@example.se"


def test_a_missing_template_variable_is_an_error(email_env: jinja2.Environment) -> None:
    with pytest.raises(jinja2.UndefinedError):
        build(email_env, "welcome", "a@example.se", {"name": "A"})


def test_mime_has_text_then_html_in_utf8_with_date_and_message_id() -> None:
    message = Message(
        to="åsa.öberg@example.se",
        subject="Nödvattenplan för Södertörn",
        text="Hej Åsa!\nVälkommen.\n",
        html="<p>Hej Åsa!</p>",
    )

    mime = to_email(
        message,
        sender="Partnerportalen <noreply@botkyrka.example>",
        message_id_domain="botkyrka.example",
    )
    parsed = email.message_from_bytes(mime.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)

    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert {p.get_content_charset() for p in parsed.iter_parts()} == {"utf-8"}
    assert parsed["From"] == "Partnerportalen <noreply@botkyrka.example>"
    assert parsed["To"] == "åsa.öberg@example.se"
    assert parsed["Subject"] == "Nödvattenplan för Södertörn"
    assert email.utils.parsedate_to_datetime(parsed["Date"]).tzinfo is not None
    assert parsed["Message-ID"].endswith("@botkyrka.example>")
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None
    assert text.get_content() == "Hej Åsa!\nVälkommen.\n"
    assert html is not None
    assert html.get_content().strip() == "<p>Hej Åsa!</p>"


def test_every_email_has_the_one_layout() -> None:
    """Each email's HTML part extends emails/_layout.html (one doctype, language, viewport and
    type size) and writes no page of its own."""
    emails = resource_dir("templates") / "emails"
    bodies = sorted(emails.glob("*-body.html"))

    assert bodies
    for body in bodies:
        source = body.read_text(encoding="utf-8")
        assert source.startswith('{% extends "emails/_layout.html" %}'), body.name
        assert "<html" not in source, body.name
        assert "<body" not in source, body.name
