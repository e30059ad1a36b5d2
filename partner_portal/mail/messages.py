"""Emails as values: rendered from a template triple, turned into MIME. Pure: no I/O.

``templates/emails/<name>-subject.txt``, ``<name>-body.txt`` and ``<name>-body.html`` make one
email. The Jinja environment escapes every file (a project rule), so the subject and the text
part are unescaped after rendering: in plain text "O'Brien & Co" must read as written, and
nothing there is interpreted as HTML.
"""

from __future__ import annotations

import email.utils
import enum
import html
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import jinja2

from partner_portal.platform import clock


class Category(enum.StrEnum):
    """What kind of mail a message is: what a reader may opt out of (reminders, digests) and
    what they may not (transactional: invitations, receipts, call-outs, cancellations)."""

    TRANSACTIONAL = "transactional"
    REMINDER = "reminder"
    DIGEST = "digest"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str
    # An iCalendar object (a meeting invitation, update or cancellation) and its METHOD.
    calendar: str | None = None
    calendar_method: str | None = None
    category: Category = Category.TRANSACTIONAL
    # Further headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


def build(
    env: jinja2.Environment,
    name: str,
    to: str,
    context: Mapping[str, Any],
    *,
    calendar: str | None = None,
    calendar_method: str | None = None,
    category: Category = Category.TRANSACTIONAL,
    headers: tuple[tuple[str, str], ...] = (),
) -> Message:
    """Render ``emails/<name>-*`` with ``context``; the subject becomes a single line.
    ``calendar`` (an iCalendar text with its ``calendar_method``) and ``headers`` travel with
    the mail."""
    subject = html.unescape(env.get_template(f"emails/{name}-subject.txt").render(context))
    text = html.unescape(env.get_template(f"emails/{name}-body.txt").render(context))
    body_html = env.get_template(f"emails/{name}-body.html").render(context)
    return Message(
        to=to.strip(),
        # One line whatever the template or the context hold: a line break in a header would
        # end it, and a template's trailing newline is not part of the subject.
        subject=" ".join(subject.split()),
        text=text.strip() + "\n",
        html=body_html,
        calendar=calendar,
        calendar_method=calendar_method if calendar else None,
        category=category,
        headers=headers,
    )


def to_email(message: Message, *, sender: str, message_id_domain: str) -> EmailMessage:
    """A multipart/alternative message (text first, then HTML), UTF-8, with Date and Message-ID.

    With a calendar, shaped the way calendar services send invitations themselves, which is
    what Outlook and Google Calendar recognise: multipart/mixed of the alternative (text, HTML,
    ``text/calendar; method=…``) and the same calendar as an ``invite.ics`` attachment.

    Raises ``ValueError`` for a header that cannot be written (e.g. an address with a line
    break in it).
    """
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime(clock.now())
    mime["Message-ID"] = email.utils.make_msgid(domain=message_id_domain)
    for name, value in message.headers:
        mime[name] = value
    mime.set_content(message.text, subtype="plain", charset="utf-8")
    mime.add_alternative(message.html, subtype="html", charset="utf-8")
    if message.calendar:
        method = message.calendar_method or "PUBLISH"
        mime.add_alternative(
            message.calendar, subtype="calendar", charset="utf-8", params={"method": method}
        )
        mime.add_attachment(
            message.calendar.encode(),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return mime
