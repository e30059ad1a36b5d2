"""Recurring meetings: a series made from a rule, and one occurrence changed or cancelled on its
own. Every occurrence is a meeting of its own (answers, attendance, minutes, reminders); the
invited people get the series as one iCalendar event (RRULE; an EXDATE per cancelled occurrence;
a RECURRENCE-ID event per changed one) whose UID never changes and whose SEQUENCE rises with
every change sent. Each function owns its transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.mail import facade as mail
from partner_portal.meetings import ics, queries, recurrence, series_queries
from partner_portal.meetings.access import MeetingAccess
from partner_portal.meetings.mails import people_of
from partner_portal.meetings.models import (
    Meeting,
    MeetingOrganisation,
    MeetingSeries,
    SeriesOccurrence,
)
from partner_portal.meetings.scheduling import (
    MeetingInput,
    allowed_organisations,
    meeting_path,
    organiser_party,
)
from partner_portal.meetings.wording import rule_in_words, when
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.rooms.models import Room

SERIES = "/moten/serier/{series_id:id}"


@dataclass(frozen=True, slots=True)
class Repeat:
    interval_weeks: int
    count: int


def series_path(series_id: int) -> str:
    return paths.fill(SERIES, series_id=series_id)


async def create_series(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    data: MeetingInput,
    repeat: Repeat,
    settings: Settings,
    env: Environment,
) -> int:
    """Schedule a recurring meeting: the first occurrence is ``data``'s day and times, the rest
    follow the rule at the same Swedish clock times. Side effects: the series, a meeting and its
    invited organisations per occurrence; one invitation per person with the whole series as an
    iCalendar REQUEST (sequence 0); ``meeting_series_created`` audited. Returns the first
    occurrence's meeting. Commits."""
    if not actor.is_coordinator:
        raise NotFound()
    if data.room_id is not None:
        room = await db.get(Room, data.room_id)
        if room is None or room.is_closed:
            raise Invalid({"room_id": _("Välj ett öppet planeringsrum i listan.")})
    if not set(data.organisation_ids) <= await allowed_organisations(db, data.room_id):
        raise Invalid({"organisations": _("Bjud bara in organisationer som finns i listan.")})
    first = clock.swedish_date(data.starts_at)
    found = recurrence.occurrences(
        recurrence.Rule(first, repeat.interval_weeks, repeat.count),
        data.starts_at.astimezone(clock.TIMEZONE).time(),
        data.ends_at.astimezone(clock.TIMEZONE).time(),
    )
    if found is None:
        raise Invalid({"start": _("Tiden finns inte en av dagarna (klockan ställs fram).")})
    now = clock.now()
    host = urlsplit(settings.base_url).hostname or "partnerportalen"
    series = MeetingSeries(
        uid=f"{uuid.uuid4()}@{host}",
        room_id=data.room_id,
        title=data.title,
        starts_at=found[0].starts_at,
        ends_at=found[0].ends_at,
        interval_weeks=repeat.interval_weeks,
        count=repeat.count,
        place=data.place,
        video_url=data.video_url,
        agenda=data.agenda,
        organiser_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.add(series)
    await db.flush()
    assert series.id is not None
    meetings = [
        Meeting(
            uid=f"{uuid.uuid4()}@{host}",
            room_id=data.room_id,
            title=data.title,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            place=data.place,
            video_url=data.video_url,
            agenda=data.agenda,
            organiser_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        for o in found
    ]
    db.add_all(meetings)
    await db.flush()
    for meeting in meetings:
        assert meeting.id is not None
        db.add(
            SeriesOccurrence(
                series_id=series.id, meeting_id=meeting.id, recurrence_at=meeting.starts_at
            )
        )
        for organisation_id in data.organisation_ids:
            db.add(MeetingOrganisation(meeting_id=meeting.id, organisation_id=organisation_id))
    record(
        db,
        AuditAction.MEETING_SERIES_CREATED,
        actor_id=actor.id,
        object_type="meeting_series",
        object_id=series.id,
        title=data.title,
        room_id=data.room_id,
        interval_weeks=repeat.interval_weeks,
        count=repeat.count,
    )
    await db.flush()
    await _send(db, series, meetings[0], settings=settings, env=env, now=now, updated=False)
    await db.commit()
    assert meetings[0].id is not None
    return meetings[0].id


async def _occurrence(db: AsyncSession, access: MeetingAccess) -> tuple[Meeting, MeetingSeries]:
    if not access.may_manage or access.meeting.series_id is None:
        raise NotFound()
    meeting = await db.get(Meeting, access.meeting.id)
    series = await db.get(MeetingSeries, access.meeting.series_id)
    assert meeting is not None
    assert series is not None
    return meeting, series


async def change_occurrence(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    data: MeetingInput,
    settings: Settings,
    env: Environment,
) -> None:
    """Move or change one occurrence (the rest of the series stays). The invited organisations
    are the series' own: ``data``'s are not used. Side effects: the meeting (its reminder due
    again if moved); the occurrence marked changed; the series' sequence raised and the series
    sent again to everyone invited (the occurrence as a RECURRENCE-ID event);
    ``meeting_occurrence_changed`` audited. Commits."""
    meeting, series = await _occurrence(db, access)
    if meeting.cancelled_at is not None:
        raise Invalid({"title": _("Mötet är inställt och kan inte ändras.")})
    now = clock.now()
    if data.starts_at != meeting.starts_at:
        meeting.reminder_sent_at = None
    meeting.title = data.title
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.place = data.place
    meeting.video_url = data.video_url
    meeting.agenda = data.agenda
    meeting.sequence += 1
    meeting.updated_at = now
    await db.execute(
        sa.update(SeriesOccurrence)
        .where(col(SeriesOccurrence.meeting_id) == meeting.id)
        .values(changed=True)
    )
    series.sequence += 1
    series.updated_at = now
    record(
        db,
        AuditAction.MEETING_OCCURRENCE_CHANGED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        series_id=series.id,
        sequence=series.sequence,
    )
    await db.flush()
    await _send(db, series, meeting, settings=settings, env=env, now=now, updated=True)
    await db.commit()


async def cancel_occurrence(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    settings: Settings,
    env: Environment,
) -> None:
    """Cancel one occurrence. Side effects: the meeting cancelled; the series' sequence raised
    and the series sent again to everyone invited, the occurrence as an EXDATE;
    ``meeting_occurrence_cancelled`` audited. Commits."""
    meeting, series = await _occurrence(db, access)
    if meeting.cancelled_at is not None:
        return
    now = clock.now()
    meeting.cancelled_at = now
    meeting.sequence += 1
    meeting.updated_at = now
    series.sequence += 1
    series.updated_at = now
    record(
        db,
        AuditAction.MEETING_OCCURRENCE_CANCELLED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        series_id=series.id,
        sequence=series.sequence,
    )
    await db.flush()
    await _send(db, series, meeting, settings=settings, env=env, now=now, updated=True)
    await db.commit()


def _event(meeting: Any, uid: str, sequence: int, settings: Settings) -> ics.MeetingEvent:
    return ics.MeetingEvent(
        uid=uid,
        sequence=sequence,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
        agenda=meeting.agenda,
        url=settings.absolute_url(meeting_path(meeting.id)),
        cancelled=False,
        updated_at=meeting.updated_at,
    )


async def calendar_event(
    db: AsyncSession, series: series_queries.SeriesRow, settings: Settings
) -> ics.SeriesEvent:
    """The series as one iCalendar event with its cancelled and changed occurrences."""
    occurrences = await series_queries.occurrences(db, series.id)
    master = ics.MeetingEvent(
        uid=series.uid,
        sequence=series.sequence,
        title=series.title,
        starts_at=series.starts_at,
        ends_at=series.ends_at,
        place=series.place,
        video_url=series.video_url,
        agenda=series.agenda,
        url=settings.absolute_url(series_path(series.id)),
        cancelled=False,
        updated_at=series.updated_at,
    )
    instances = tuple(
        ics.SeriesInstance(
            recurrence_at=o.recurrence_at,
            cancelled=o.cancelled_at is not None,
            changed=_event(o, series.uid, series.sequence, settings) if o.changed else None,
        )
        for o in occurrences
    )
    return ics.SeriesEvent(master, series.interval_weeks, series.count, instances)


def _context(series: series_queries.SeriesRow, settings: Settings, **extra: Any) -> dict[str, Any]:
    """What the series' mail says of it, in the reader's language."""
    return {
        "title": series.title,
        "when": rule_in_words(
            series.starts_at, series.ends_at, series.interval_weeks, series.count
        ),
        "place": series.place,
        "video_url": series.video_url,
        "agenda": series.agenda,
        "url": settings.absolute_url(series_path(series.id)),
        **extra,
    }


def _change(meeting: Meeting) -> str:
    """What changed for one occurrence, in the reader's language."""
    if meeting.cancelled_at is not None:
        return _("Mötet %(when)s är inställt.") % {"when": when(meeting.starts_at, meeting.ends_at)}
    return _("Ändrat tillfälle: %(when)s.") % {"when": when(meeting.starts_at, meeting.ends_at)}


async def _send(
    db: AsyncSession,
    series: MeetingSeries,
    meeting: Meeting,
    *,
    settings: Settings,
    env: Environment,
    now: datetime,
    updated: bool,
) -> None:
    """The whole series, as it is now, to every person of its invited organisations."""
    assert series.id is not None
    assert meeting.id is not None
    row = await series_queries.series(db, series.id)
    assert row is not None
    event = await calendar_event(db, row, settings)
    organiser = await organiser_party(db, meeting, settings)
    invited = [i for i, _name in await queries.invited_organisations(db, meeting.id)]
    for recipient in await people_of(db, invited):
        calendar = ics.series_invitation(
            event,
            method="REQUEST",
            organiser=organiser,
            attendee=ics.Party(recipient.email, recipient.name),
            now=now,
        )

        def context(name: str = recipient.name) -> dict[str, Any]:
            extra = {"change": _change(meeting)} if updated else {}
            return _context(
                row, settings, organiser_name=organiser.name, name=name, updated=updated, **extra
            )

        mail.send(
            db,
            env,
            "meeting-invitation",
            to=recipient.to,
            context=partial(context),
            related=("meeting", meeting.id),
            calendar=calendar,
            calendar_method="REQUEST",
        )
