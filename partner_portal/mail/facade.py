"""The one way a feature sends mail: ``send(db, env, "meeting-reminder", to=..., context=...)``.

The facade owns the mail templates (``templates/emails/<name>-subject.txt``, ``-body.txt``,
``-body.html``, each through gettext) and which kind of mail each one is; it renders the mail in
its reader's language and writes it to the outbox in the caller's transaction (see
:func:`partner_portal.mail.outbox.enqueue`: nothing is sent unless the caller commits, and
delivery is at-least-once). No feature builds or enqueues a message itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.mail.messages import Category, Message, build
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.outbox import enqueue, enqueue_many
from partner_portal.platform import i18n

__all__ = ["KINDS", "Category", "Context", "Message", "Recipient", "render", "send", "send_many"]


# Every mail the portal sends, by template name, and its category.
KINDS: Mapping[str, Category] = {
    "invitation": Category.TRANSACTIONAL,
    "room-invitation": Category.TRANSACTIONAL,
    "consultation-request": Category.TRANSACTIONAL,
    "statement-receipt": Category.TRANSACTIONAL,
    "meeting-invitation": Category.TRANSACTIONAL,
    "meeting-cancelled": Category.TRANSACTIONAL,
    "date-poll": Category.TRANSACTIONAL,
    "frg-invitation": Category.TRANSACTIONAL,
    "frg-callout": Category.TRANSACTIONAL,
    # The FRG register's own question to a volunteer (is your availability still right?): what
    # call-outs rely on, so it is asked whatever the volunteer chose for reminders.
    "frg-availability": Category.TRANSACTIONAL,
    "meeting-reminder": Category.REMINDER,
    "minutes-reminder": Category.REMINDER,
    "action-overdue": Category.REMINDER,
    "owed-reminder": Category.REMINDER,
    "agreement-revision": Category.REMINDER,
    "digest": Category.DIGEST,
    "contacts-confirm": Category.REMINDER,
}


@dataclass(frozen=True, slots=True)
class Recipient:
    """An address and the language its reader reads (Swedish when no person is known)."""

    address: str
    language: str = i18n.DEFAULT_LANGUAGE


# A context, or what makes one: called inside the reader's language, so that words and dates
# the caller writes itself (e.g. a meeting's time in words) are in that language too.
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def render(
    env: Environment,
    name: str,
    *,
    to: Recipient,
    context: Context,
    calendar: str | None = None,
    calendar_method: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Message:
    """Mail ``name`` for ``to``, rendered in their language: what :func:`send` writes, for a
    job that writes many at once (:func:`send_many`). ``calendar`` (an iCalendar object with
    its METHOD) and ``headers`` (List-Unsubscribe) travel with the mail."""
    category = KINDS[name]  # a KeyError for a template the facade does not know
    with i18n.speaking(to.language):
        values = context() if callable(context) else context
        return build(
            env,
            name,
            to.address,
            {**values, "mail_language": i18n.current_language.get()},
            calendar=calendar,
            calendar_method=calendar_method,
            category=category,
            headers=headers,
        )


def send(
    db: AsyncSession,
    env: Environment,
    name: str,
    *,
    to: Recipient,
    context: Context,
    related: tuple[str, int] | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> OutboxMessage:
    """Render mail ``name`` for ``to`` in their language (see :func:`render`) and add it to
    the outbox.

    Side effects: ``db.add`` of one pending outbox row (failed at once for an unusable
    address, see ``enqueue``); nothing is written until the caller commits. ``related`` is
    what the mail is about, for pages that show its delivery.
    """
    message = render(
        env,
        name,
        to=to,
        context=context,
        calendar=calendar,
        calendar_method=calendar_method,
        headers=headers,
    )
    return enqueue(db, message, related=related)


async def send_many(
    db: AsyncSession, messages: Sequence[tuple[Message, tuple[str, int] | None]]
) -> None:
    """Mail made by :func:`render` (with what each is about) into the outbox in one statement
    however many there are (a job mailing thousands of people), in the caller's transaction."""
    await enqueue_many(db, messages)
