"""The agreement revision reminder, run by the background jobs: ``REMINDER_DAYS`` before a
forum's next revision date, to whoever last saved the record and the main contacts of the
forum's parties.

Sent once per revision date: the record's sent-marker (``reminder_sent_for``, the date it was
sent for) is set in the same transaction as the outbox mail; a new revision date makes it due
again. Not to whoever turned reminders off; each mail carries its one-click unsubscribe link.
Rows are claimed ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two workers never both send one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.forums import queries
from partner_portal.forums.models import Agreement
from partner_portal.forums.service import agreement_path
from partner_portal.mail import facade as mail
from partner_portal.mail import preferences
from partner_portal.mail.preference_models import MailCategory
from partner_portal.meetings.mails import people_of
from partner_portal.platform import i18n
from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.settings import Settings
from partner_portal.rooms.models import Room

REMINDER_DAYS = 30
BATCH = 50


async def send_due(db: AsyncSession, *, settings: Settings, env: Environment, now: datetime) -> int:
    """Every revision reminder due at ``now`` (Swedish calendar days). Commits. Returns how
    many agreements were reminded of."""
    today = now.astimezone(TIMEZONE).date()
    due = list(
        await db.scalars(
            sa.select(Agreement)
            .join(Room, col(Room.id) == col(Agreement.room_id))
            .where(
                col(Room.is_closed).is_(False),
                col(Agreement.next_revision_on).is_not(None),
                col(Agreement.next_revision_on) >= today,
                col(Agreement.next_revision_on) <= today + timedelta(days=REMINDER_DAYS),
                sa.or_(
                    col(Agreement.reminder_sent_for).is_(None),
                    col(Agreement.reminder_sent_for) != col(Agreement.next_revision_on),
                ),
            )
            .order_by(col(Agreement.next_revision_on), col(Agreement.id))
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=Agreement)
        )
    )
    for agreement in due:
        assert agreement.id is not None
        forum_name = await db.scalar(
            sa.select(col(Room.name)).where(col(Room.id) == agreement.room_id)
        )
        people = {
            r.person_id: (r.name, mail.Recipient(r.email, r.language))
            for r in await people_of(
                db, await queries.party_ids(db, agreement.room_id), admins_only=True
            )
        }
        keeper = (
            await db.get(Person, agreement.updated_by) if agreement.updated_by is not None else None
        )
        if keeper is not None and keeper.id is not None and keeper.is_active and keeper.email:
            people[keeper.id] = (
                keeper.name,
                mail.Recipient(keeper.email, i18n.supported(keeper.language)),
            )
        off = await preferences.turned_off(db, list(people), MailCategory.REMINDER)
        for person_id, (name, to) in people.items():
            if person_id in off:
                continue
            token = preferences.new_link(db, person_id, MailCategory.REMINDER)
            mail.send(
                db,
                env,
                "agreement-revision",
                to=to,
                context={
                    "name": name,
                    "forum": forum_name or "",
                    "title": agreement.title,
                    "revision_on": agreement.next_revision_on,
                    "url": settings.absolute_url(agreement_path(agreement.room_id)),
                },
                related=("agreement", agreement.id),
                headers=preferences.list_headers(settings, token),
            )
        agreement.reminder_sent_for = agreement.next_revision_on
    await db.commit()
    return len(due)
