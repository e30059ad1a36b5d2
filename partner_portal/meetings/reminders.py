"""Reminders, run by the background jobs: before a meeting, to the organiser when the minutes
are late, and to the owner of an action that has fallen overdue.

Each reminder is sent once, not to whoever turned reminders off (mail.preferences), and each
carries its own one-click unsubscribe link (List-Unsubscribe, RFC 8058). The row's sent-marker
is set in the same transaction as the outbox mail; the rows are claimed ``FOR UPDATE SKIP
LOCKED`` (PostgreSQL), so two workers running at once never both send one, and a round that
fails sends nothing and is tried again. ``now`` is passed in, so tests run them on a frozen
clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import Action, ActionStatus
from partner_portal.actions.service import action_path
from partner_portal.auth.models import Person
from partner_portal.mail import facade as mail
from partner_portal.mail import preferences
from partner_portal.mail.preference_models import MailCategory
from partner_portal.meetings import queries
from partner_portal.meetings.mails import Recipient, people_of
from partner_portal.meetings.models import Meeting, MeetingPerson, Rsvp
from partner_portal.meetings.scheduling import mail_context
from partner_portal.organisations.models import Organisation
from partner_portal.platform import i18n
from partner_portal.platform.clock import TIMEZONE
from partner_portal.platform.settings import Settings

BATCH = 50


@dataclass(frozen=True, slots=True)
class Sent:
    meetings: int = 0
    minutes: int = 0
    actions: int = 0


async def send_due(
    db: AsyncSession, *, settings: Settings, env: Environment, now: datetime
) -> Sent:
    """Every reminder that is due at ``now``. Commits after each kind."""
    return Sent(
        meetings=await _meeting_reminders(db, settings, env, now),
        minutes=await _minutes_reminders(db, settings, env, now),
        actions=await _overdue_actions(db, settings, env, now),
    )


async def _meeting_reminders(
    db: AsyncSession, settings: Settings, env: Environment, now: datetime
) -> int:
    """To everyone invited who has not said no, ``meeting_reminder_hours`` before the start."""
    due = list(
        await db.scalars(
            sa.select(Meeting)
            .where(
                col(Meeting.cancelled_at).is_(None),
                col(Meeting.reminder_sent_at).is_(None),
                col(Meeting.starts_at) > now,
                col(Meeting.starts_at) <= now + timedelta(hours=settings.meeting_reminder_hours),
            )
            .order_by(col(Meeting.starts_at))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for meeting in due:
        assert meeting.id is not None
        organisations = [i for i, _n in await queries.invited_organisations(db, meeting.id)]
        declined = set(
            await db.scalars(
                sa.select(col(MeetingPerson.person_id)).where(
                    col(MeetingPerson.meeting_id) == meeting.id,
                    col(MeetingPerson.rsvp) == Rsvp.NO,
                )
            )
        )
        recipients = await people_of(db, organisations)
        off = await _turned_off(db, [r.person_id for r in recipients])
        for recipient in recipients:
            if recipient.person_id in declined or recipient.person_id in off:
                continue
            mail.send(
                db,
                env,
                "meeting-reminder",
                to=recipient.to,
                context=partial(mail_context, meeting, settings, name=recipient.name),
                related=("meeting", meeting.id),
                headers=_unsubscribe(db, settings, recipient.person_id),
            )
        meeting.reminder_sent_at = now
    await db.commit()
    return len(due)


async def _minutes_reminders(
    db: AsyncSession, settings: Settings, env: Environment, now: datetime
) -> int:
    """To the organiser, ``minutes_reminder_days`` after a meeting without filed minutes."""
    due = list(
        await db.scalars(
            sa.select(Meeting)
            .where(
                col(Meeting.cancelled_at).is_(None),
                col(Meeting.minutes_filed_at).is_(None),
                col(Meeting.minutes_reminder_sent_at).is_(None),
                col(Meeting.ends_at) <= now - timedelta(days=settings.minutes_reminder_days),
            )
            .order_by(col(Meeting.ends_at))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for meeting in due:
        assert meeting.id is not None
        organiser = await db.get(Person, meeting.organiser_id)
        if (
            organiser is not None
            and organiser.is_active
            and organiser.email
            and not await _turned_off(db, [meeting.organiser_id])
        ):
            mail.send(
                db,
                env,
                "minutes-reminder",
                to=mail.Recipient(organiser.email, i18n.supported(organiser.language)),
                context=partial(
                    mail_context,
                    meeting,
                    settings,
                    name=organiser.name,
                    days=settings.minutes_reminder_days,
                ),
                related=("meeting", meeting.id),
                headers=_unsubscribe(db, settings, meeting.organiser_id),
            )
        meeting.minutes_reminder_sent_at = now
    await db.commit()
    return len(due)


async def _overdue_actions(
    db: AsyncSession, settings: Settings, env: Environment, now: datetime
) -> int:
    """To the action's person, or else the owning organisation's main contacts, the day after
    its due date (Swedish calendar days)."""
    today = now.astimezone(TIMEZONE).date()
    due = list(
        await db.scalars(
            sa.select(Action)
            .where(
                col(Action.status) != ActionStatus.DONE,
                col(Action.overdue_reminder_sent_at).is_(None),
                col(Action.due_on) < today,
            )
            .order_by(col(Action.due_on), col(Action.id))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for action in due:
        assert action.id is not None
        recipients: list[Recipient] = []
        if action.person_id is not None:
            recipients = [
                r
                for r in await people_of(db, [action.organisation_id])
                if r.person_id == action.person_id
            ]
        if not recipients:
            recipients = await people_of(db, [action.organisation_id], admins_only=True)
        organisation_name = await db.scalar(
            sa.select(col(Organisation.name)).where(col(Organisation.id) == action.organisation_id)
        )
        off = await _turned_off(db, [r.person_id for r in recipients])
        for recipient in recipients:
            if recipient.person_id in off:
                continue
            mail.send(
                db,
                env,
                "action-overdue",
                to=recipient.to,
                context={
                    "name": recipient.name,
                    "title": action.title,
                    "organisation_name": organisation_name or "",
                    "due_on": action.due_on,
                    "url": settings.absolute_url(action_path(action.id)),
                },
                related=("action", action.id),
                headers=_unsubscribe(db, settings, recipient.person_id),
            )
        action.overdue_reminder_sent_at = now
    await db.commit()
    return len(due)


async def _turned_off(db: AsyncSession, person_ids: list[int]) -> set[int]:
    return await preferences.turned_off(db, person_ids, MailCategory.REMINDER)


def _unsubscribe(
    db: AsyncSession, settings: Settings, person_id: int
) -> tuple[tuple[str, str], ...]:
    """A new unsubscribe link for the person's reminders, as the mail's headers."""
    token = preferences.new_link(db, person_id, MailCategory.REMINDER)
    return preferences.list_headers(settings, token)
