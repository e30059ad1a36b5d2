"""Scheduling meetings: creating, changing and cancelling one (each sends every invited person
an iCalendar REQUEST or CANCEL with the meeting's UID and a higher SEQUENCE), and the invited
people's answers. What a meeting's mail says of it is here too (the reminders use it). Each
function owns its transaction."""

from __future__ import annotations

import email.utils
import uuid
from collections.abc import Iterable
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
from partner_portal.auth.models import Person
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.evidence.service import record_evidence
from partner_portal.mail import facade as mail
from partner_portal.meetings import ics, queries
from partner_portal.meetings.access import MeetingAccess
from partner_portal.meetings.mails import Recipient, people_of
from partner_portal.meetings.models import Meeting, MeetingOrganisation, MeetingPerson, Rsvp
from partner_portal.meetings.wording import when
from partner_portal.organisations.models import Organisation
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.rooms.models import Participation, Room
from partner_portal.rooms.queries import VISIBLE


@dataclass(frozen=True, slots=True)
class MeetingInput:
    title: str
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    agenda: str
    organisation_ids: tuple[int, ...]


def meeting_path(meeting_id: int) -> str:
    return paths.fill(paths.MEETING, meeting_id=meeting_id)


def _manager(actor: CurrentPerson) -> None:
    if not actor.is_coordinator:
        raise NotFound()


async def allowed_organisations(db: AsyncSession, room_id: int | None) -> set[int]:
    """Who may be invited: the room's organisations, or (portal-wide) every active one."""
    query: Any
    if room_id is not None:
        query = (
            sa.select(col(Participation.organisation_id))
            .join(Organisation, col(Organisation.id) == col(Participation.organisation_id))
            .where(
                col(Participation.room_id) == room_id,
                col(Participation.status).in_(VISIBLE),
                col(Organisation.is_active).is_(True),
            )
        )
    else:
        query = sa.select(col(Organisation.id)).where(col(Organisation.is_active).is_(True))
    return set(await db.scalars(query))


def _event(meeting: Meeting, settings: Settings) -> ics.MeetingEvent:
    assert meeting.id is not None
    return ics.MeetingEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        video_url=meeting.video_url,
        agenda=meeting.agenda,
        url=settings.absolute_url(meeting_path(meeting.id)),
        cancelled=meeting.cancelled_at is not None,
        updated_at=meeting.updated_at,
    )


async def organiser_party(db: AsyncSession, meeting: Meeting, settings: Settings) -> ics.Party:
    person = await db.get(Person, meeting.organiser_id)
    name = person.name if person else "Partnerportalen"
    address = person.email if person and person.email else None
    return ics.Party(address or email.utils.parseaddr(settings.mail_from)[1], name)


def mail_context(meeting: Meeting, settings: Settings, **extra: Any) -> dict[str, Any]:
    """What a meeting's mail says of it; made in the reader's language (the time in words)."""
    assert meeting.id is not None
    return {
        "title": meeting.title,
        "when": when(meeting.starts_at, meeting.ends_at),
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "url": settings.absolute_url(meeting_path(meeting.id)),
        **extra,
    }


async def _send_calendar(
    db: AsyncSession,
    meeting: Meeting,
    recipients: Iterable[Recipient],
    *,
    method: str,
    template: str,
    settings: Settings,
    env: Environment,
    now: datetime,
    **extra: Any,
) -> None:
    assert meeting.id is not None
    organiser = await organiser_party(db, meeting, settings)
    event = _event(meeting, settings)
    for recipient in recipients:
        calendar = ics.invitation(
            event,
            method=method,
            organiser=organiser,
            attendee=ics.Party(recipient.email, recipient.name),
            now=now,
        )
        mail.send(
            db,
            env,
            template,
            to=recipient.to,
            context=partial(
                mail_context,
                meeting,
                settings,
                organiser_name=organiser.name,
                name=recipient.name,
                **extra,
            ),
            related=("meeting", meeting.id),
            calendar=calendar,
            calendar_method=method,
        )


async def create_meeting(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    data: MeetingInput,
    settings: Settings,
    env: Environment,
    commit: bool = True,
) -> int:
    """Schedule a meeting (in a room, or portal-wide) and invite organisations. Side effects:
    the meeting and its organisations; an invitation with an iCalendar REQUEST (sequence 0) to
    every person of the invited organisations; ``meeting_created`` audited. Commits, unless
    the caller's transaction goes on (``commit=False``: a date poll booked)."""
    _manager(actor)
    if data.room_id is not None:
        room = await db.get(Room, data.room_id)
        if room is None or room.is_closed:
            raise Invalid({"room_id": _("Välj ett öppet planeringsrum i listan.")})
    allowed = await allowed_organisations(db, data.room_id)
    if not set(data.organisation_ids) <= allowed:
        raise Invalid({"organisations": _("Bjud bara in organisationer som finns i listan.")})
    now = clock.now()
    host = urlsplit(settings.base_url).hostname or "partnerportalen"
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@{host}",
        sequence=0,
        room_id=data.room_id,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place,
        video_url=data.video_url,
        agenda=data.agenda,
        organiser_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.add(meeting)
    await db.flush()
    assert meeting.id is not None
    for organisation_id in data.organisation_ids:
        db.add(MeetingOrganisation(meeting_id=meeting.id, organisation_id=organisation_id))
    record(
        db,
        AuditAction.MEETING_CREATED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        title=data.title,
        room_id=data.room_id,
    )
    await _send_calendar(
        db,
        meeting,
        await people_of(db, data.organisation_ids),
        method="REQUEST",
        template="meeting-invitation",
        settings=settings,
        env=env,
        now=now,
        updated=False,
    )
    if commit:
        await db.commit()
    return meeting.id


async def update_meeting(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    data: MeetingInput,
    settings: Settings,
    env: Environment,
) -> None:
    """Change a meeting. Side effects: the meeting with a higher sequence; organisations added
    or removed (with the answers of removed ones); an updated REQUEST to everyone invited now
    and a CANCEL to the people of removed organisations; the reminder is due again if the
    time moved; ``meeting_updated`` audited. Commits."""
    if not access.may_manage:
        raise NotFound()
    assert access.meeting.series_id is None, "an occurrence is changed in meetings.series"
    meeting = await db.get(Meeting, access.meeting.id)
    assert meeting is not None
    assert meeting.id is not None
    if meeting.cancelled_at is not None:
        raise Invalid({"title": _("Mötet är inställt och kan inte ändras.")})
    allowed = await allowed_organisations(db, meeting.room_id)
    before = set(
        await db.scalars(
            sa.select(col(MeetingOrganisation.organisation_id)).where(
                col(MeetingOrganisation.meeting_id) == meeting.id
            )
        )
    )
    wanted = set(data.organisation_ids)
    if not (wanted - before) <= allowed:
        raise Invalid({"organisations": _("Bjud bara in organisationer som finns i listan.")})
    removed, added = before - wanted, wanted - before
    removed_people = [r for r in await people_of(db, removed) if r.organisation_id in removed]
    if removed:
        await db.execute(
            sa.delete(MeetingOrganisation).where(
                col(MeetingOrganisation.meeting_id) == meeting.id,
                col(MeetingOrganisation.organisation_id).in_(removed),
            )
        )
        await db.execute(
            sa.delete(MeetingPerson).where(
                col(MeetingPerson.meeting_id) == meeting.id,
                col(MeetingPerson.organisation_id).in_(removed),
                col(MeetingPerson.attended).is_(None),
            )
        )
    for organisation_id in sorted(added):
        db.add(MeetingOrganisation(meeting_id=meeting.id, organisation_id=organisation_id))
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
    record(
        db,
        AuditAction.MEETING_UPDATED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        sequence=meeting.sequence,
        added=sorted(added),
        removed=sorted(removed),
    )
    current = await people_of(db, wanted)
    still_invited = {r.person_id for r in current}
    await _send_calendar(
        db,
        meeting,
        current,
        method="REQUEST",
        template="meeting-invitation",
        settings=settings,
        env=env,
        now=now,
        updated=True,
    )
    await _send_calendar(
        db,
        _cancelled_copy(meeting, now),
        [r for r in removed_people if r.person_id not in still_invited],
        method="CANCEL",
        template="meeting-cancelled",
        settings=settings,
        env=env,
        now=now,
        uninvited=True,
    )
    await db.commit()


def _cancelled_copy(meeting: Meeting, now: datetime) -> Meeting:
    """How the meeting looks to someone no longer invited: cancelled, for them."""
    copy = Meeting.model_validate(meeting.model_dump())
    copy.cancelled_at = now
    return copy


async def cancel_meeting(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    settings: Settings,
    env: Environment,
) -> None:
    """Cancel a meeting. Side effects: ``cancelled_at`` and a higher sequence; a CANCEL to every
    invited person; ``meeting_cancelled`` audited. Commits."""
    if not access.may_manage:
        raise NotFound()
    assert access.meeting.series_id is None, "an occurrence is cancelled in meetings.series"
    meeting = await db.get(Meeting, access.meeting.id)
    assert meeting is not None
    assert meeting.id is not None
    if meeting.cancelled_at is not None:
        return
    now = clock.now()
    meeting.cancelled_at = now
    meeting.sequence += 1
    meeting.updated_at = now
    record(
        db,
        AuditAction.MEETING_CANCELLED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        sequence=meeting.sequence,
    )
    organisations = [i for i, _name in await queries.invited_organisations(db, meeting.id)]
    await _send_calendar(
        db,
        meeting,
        await people_of(db, organisations),
        method="CANCEL",
        template="meeting-cancelled",
        settings=settings,
        env=env,
        now=now,
        uninvited=False,
    )
    await db.commit()


def _process(access: MeetingAccess) -> Process | None:
    return access.meeting.process


async def answer(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    rsvp: Rsvp,
    now: datetime | None = None,
) -> None:
    """The person answers ja, nej or kanske, for their (first) invited organisation, until the
    meeting ends. Side effects: their answer; ``rsvp_given`` evidence when it changes. Commits."""
    if not access.my_invited:
        raise Forbidden(_("Din organisation är inte inbjuden till mötet."))
    meeting = access.meeting
    if meeting.cancelled:
        raise Invalid({"rsvp": _("Mötet är inställt.")})
    now = now or clock.now()
    if meeting.ends_at <= now:
        raise Invalid({"rsvp": _("Mötet är redan över.")})
    row = await db.scalar(
        sa.select(MeetingPerson).where(
            col(MeetingPerson.meeting_id) == meeting.id,
            col(MeetingPerson.person_id) == actor.id,
        )
    )
    if row is None:
        row = MeetingPerson(
            meeting_id=meeting.id, person_id=actor.id, organisation_id=access.my_invited[0]
        )
        db.add(row)
    elif row.organisation_id not in access.my_invited:
        row.organisation_id = access.my_invited[0]
    if row.rsvp is rsvp:
        return
    row.rsvp = rsvp
    row.rsvp_at = now
    await record_evidence(
        db,
        EvidenceKind.RSVP_GIVEN,
        organisation_id=row.organisation_id,
        person_id=actor.id,
        link=meeting_path(meeting.id),
        process=_process(access),
        room_id=meeting.room_id,
        object_type="meeting",
        object_id=meeting.id,
        answer=rsvp.value,
    )
    await db.commit()
