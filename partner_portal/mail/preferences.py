"""Mail preferences: how often a person's digest comes, whether reminders do, and the one-click
unsubscribe links (RFC 8058) every digest and reminder carries.

An unsubscribe link's secret is its own authorisation: a POST to it turns its category off for
its person without a login session or a CSRF token (a mail program posts it, RFC 8058), and is
audited. A GET only shows a page with a button, so a mail scanner following links unsubscribes
no one. A new link is made for each mail; only its SHA-256 is stored (platform.links).

This lives with the mail (the records floor) rather than in the digests feature, so that every
feature that sends a digest or a reminder can honour :func:`turned_off` and attach
:func:`list_headers` without depending on another feature.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.mail.preference_models import (
    DigestFrequency,
    MailCategory,
    MailPreference,
    UnsubscribeLink,
)
from partner_portal.platform import clock, links, paths
from partner_portal.platform.errors import NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings

UNSUBSCRIBE_LINK = "/avregistrera/{token}"
PREFERENCES_PAGE = "/installningar/utskick"


@dataclass(frozen=True, slots=True)
class Preferences:
    digest_frequency: DigestFrequency = DigestFrequency.WEEKLY
    reminders: bool = True


async def preferences_of(db: AsyncSession, person_id: int) -> Preferences:
    row = await db.get(MailPreference, person_id)
    if row is None:
        return Preferences()
    return Preferences(row.digest_frequency, row.reminders)


async def save(
    db: AsyncSession, *, person_id: int, choice: Preferences, ip_address: str | None
) -> None:
    """Store ``choice`` as the person's preferences. Side effects: the preference row written,
    an audit event (what changed) when something did; commits."""
    before = await preferences_of(db, person_id)
    if before != choice:
        await _store(db, person_id, choice)
        record(
            db,
            AuditAction.MAIL_PREFERENCES_CHANGED,
            actor_id=person_id,
            object_type="person",
            object_id=person_id,
            ip_address=ip_address,
            digest_frequency=choice.digest_frequency.value,
            reminders=choice.reminders,
        )
    await db.commit()


async def _store(db: AsyncSession, person_id: int, choice: Preferences) -> None:
    row = await db.get(MailPreference, person_id)
    if row is None:
        row = MailPreference(person_id=person_id)
        db.add(row)
    row.digest_frequency = choice.digest_frequency
    row.reminders = choice.reminders
    row.updated_at = clock.now()


def new_link(db: AsyncSession, person_id: int, category: MailCategory) -> str:
    """A new unsubscribe secret for ``person_id`` and ``category`` (added to the session, written
    with the mail that carries it); returns the token for the link."""
    token = links.new_token()
    db.add(
        UnsubscribeLink(
            token_hash=links.digest(token),
            person_id=person_id,
            category=category,
            created_at=clock.now(),
        )
    )
    return token


async def new_links(
    db: AsyncSession, person_ids: Collection[int], category: MailCategory
) -> dict[int, str]:
    """:func:`new_link` for many people at once, in one INSERT; person id → token."""
    tokens = {person_id: links.new_token() for person_id in person_ids}
    if tokens:
        now = clock.now()
        await db.execute(
            sa.insert(UnsubscribeLink),
            [
                {
                    "token_hash": links.digest(token),
                    "person_id": person_id,
                    "category": category,
                    "created_at": now,
                }
                for person_id, token in tokens.items()
            ],
        )
    return tokens


def unsubscribe_url(settings: Settings, token: str) -> str:
    return settings.absolute_url(paths.fill(UNSUBSCRIBE_LINK, token=token))


def list_headers(settings: Settings, token: str) -> tuple[tuple[str, str], ...]:
    """The headers by which mail programs offer one-click unsubscribe (RFC 2369, RFC 8058)."""
    return (
        ("List-Unsubscribe", f"<{unsubscribe_url(settings, token)}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


@dataclass(frozen=True, slots=True)
class OpenLink:
    person_id: int
    category: MailCategory
    already_off: bool


async def open_link(db: AsyncSession, token: str) -> OpenLink:
    """What a link unsubscribes from; NotFound (a Swedish page) for any other token."""
    if not links.plausible(token):
        raise _unknown()
    row = (
        await db.execute(
            sa.select(col(UnsubscribeLink.person_id), col(UnsubscribeLink.category)).where(
                links.matching(col(UnsubscribeLink.token_hash), token)
            )
        )
    ).one_or_none()
    if row is None:
        raise _unknown()
    current = await preferences_of(db, row.person_id)
    return OpenLink(row.person_id, row.category, not _receives(current, row.category))


async def unsubscribe(db: AsyncSession, *, token: str, ip_address: str | None) -> OpenLink:
    """Turn the link's category off for its person. Side effects: the preference row written
    and an audit event, when the category was on; commits. NotFound for an unknown token."""
    link = await open_link(db, token)
    if not link.already_off:
        current = await preferences_of(db, link.person_id)
        await _store(db, link.person_id, _without(current, link.category))
        record(
            db,
            AuditAction.MAIL_UNSUBSCRIBED,
            actor_id=link.person_id,
            object_type="person",
            object_id=link.person_id,
            ip_address=ip_address,
            category=link.category.value,
        )
    await db.commit()
    return link


async def turned_off(
    db: AsyncSession, person_ids: Collection[int], category: MailCategory
) -> set[int]:
    """Those of ``person_ids`` who turned ``category`` off, in one query (for reminder jobs)."""
    if not person_ids:
        return set()
    off = (
        col(MailPreference.reminders).is_(False)
        if category is MailCategory.REMINDER
        else col(MailPreference.digest_frequency) == DigestFrequency.NONE
    )
    return set(
        await db.scalars(
            sa.select(col(MailPreference.person_id)).where(
                col(MailPreference.person_id).in_(list(person_ids)), off
            )
        )
    )


def _receives(preferences: Preferences, category: MailCategory) -> bool:
    if category is MailCategory.REMINDER:
        return preferences.reminders
    return preferences.digest_frequency is not DigestFrequency.NONE


def _without(preferences: Preferences, category: MailCategory) -> Preferences:
    if category is MailCategory.REMINDER:
        return Preferences(preferences.digest_frequency, reminders=False)
    return Preferences(DigestFrequency.NONE, preferences.reminders)


def _unknown() -> NotFound:
    return NotFound(
        _(
            "Länken för att avregistrera sig gäller inte. Kontrollera att du har fått med hela "
            "länken, eller logga in och välj dina utskick i portalen."
        ),
        title=_("Länken gäller inte"),
    )
