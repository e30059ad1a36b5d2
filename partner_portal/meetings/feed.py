"""Each person's calendar subscription: their meetings, their organisations' open actions and
the deadlines of the rooms their organisations take part in, through a secret URL.

The URL's token is random (256 bits); only its SHA-256 is stored, so the URL is shown once,
when it is made. A person has at most one working feed: making a new one revokes the old, and
a revoked token (or one whose person was deactivated) answers 404.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.service import action_path
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.meetings import ics, queries
from partner_portal.meetings.models import CalendarFeed
from partner_portal.meetings.scheduling import meeting_path
from partner_portal.platform import clock, links
from partner_portal.platform.errors import NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.rooms.paths import room_path

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# Meetings that ended longer ago than this drop out of the feed.
PAST = timedelta(days=180)


async def active_since(db: AsyncSession, person_id: int) -> datetime | None:
    """When the person's working feed was made, or None."""
    value: datetime | None = await db.scalar(
        sa.select(sa.func.max(col(CalendarFeed.created_at))).where(
            col(CalendarFeed.person_id) == person_id, col(CalendarFeed.revoked_at).is_(None)
        )
    )
    return value


async def _revoke_all(db: AsyncSession, person_id: int, now: datetime) -> int:
    result = await db.execute(
        sa.update(CalendarFeed)
        .where(col(CalendarFeed.person_id) == person_id, col(CalendarFeed.revoked_at).is_(None))
        .values(revoked_at=now)
        .returning(col(CalendarFeed.id))
    )
    return len(result.all())


async def create(db: AsyncSession, *, actor: CurrentPerson, ip_address: str | None) -> str:
    """A new secret feed URL token for the person; any older one stops working. Side effects:
    the feed row (hash only), older feeds revoked, ``calendar_feed_created`` audited. Commits.
    Returns the token, which exists in plain text only here."""
    now = clock.now()
    await _revoke_all(db, actor.id, now)
    token = links.new_token()
    db.add(CalendarFeed(person_id=actor.id, token_hash=links.digest(token), created_at=now))
    record(
        db,
        AuditAction.CALENDAR_FEED_CREATED,
        actor_id=actor.id,
        object_type="person",
        object_id=actor.id,
        ip_address=ip_address,
    )
    await db.commit()
    return token


async def revoke(db: AsyncSession, *, actor: CurrentPerson, ip_address: str | None) -> None:
    """Stop the person's feed. Side effects: revoked, ``calendar_feed_revoked`` audited if there
    was one. Commits."""
    if await _revoke_all(db, actor.id, clock.now()):
        record(
            db,
            AuditAction.CALENDAR_FEED_REVOKED,
            actor_id=actor.id,
            object_type="person",
            object_id=actor.id,
            ip_address=ip_address,
        )
    await db.commit()


async def calendar(db: AsyncSession, token: str, *, settings: Settings, now: datetime) -> str:
    """The feed behind a token, or NotFound (unknown, revoked, or its person deactivated)."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise NotFound()
    person_id = await queries.feed_owner(db, links.digest(token))
    if person_id is None:
        raise NotFound()
    meeting_ids = await queries.feed_meeting_ids(db, person_id, now - PAST)
    meetings = [
        ics.MeetingEvent(
            uid=m.uid,
            sequence=m.sequence,
            title=m.title,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            place=m.place,
            video_url=m.video_url,
            agenda=m.agenda,
            url=settings.absolute_url(meeting_path(m.id)),
            cancelled=m.cancelled,
            updated_at=m.updated_at,
        )
        for m in await queries.meetings_in(db, meeting_ids)
    ]
    host = urlsplit(settings.base_url).hostname or "partnerportalen"
    days: list[ics.DayEvent] = []
    actions = await queries.open_actions_of_my_organisations(db, person_id)
    for row in actions:
        days.append(
            ics.DayEvent(
                uid=f"action-{row.id}@{host}",
                title=_("Åtgärd: %(title)s") % {"title": row.title},
                day=row.due_on,
                description=row.organisation_name,
                url=settings.absolute_url(action_path(row.id)),
            )
        )
    phases = await queries.phase_deadlines_of_my_rooms(db, person_id)
    for phase in phases:
        days.append(
            ics.DayEvent(
                uid=f"phase-{phase.id}@{host}",
                title=_("Sista dag: %(phase)s (%(room)s)")
                % {"phase": phase.title, "room": phase.room_name},
                day=phase.deadline,
                description=phase.room_name,
                url=settings.absolute_url(f"{room_path(phase.room_id)}#fas-{phase.id}"),
            )
        )
    return ics.feed("Partnerportalen", meetings, days, now=now)
