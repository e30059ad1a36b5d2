"""Rules for meetings: scheduling, changing and cancelling one (each sends every invited
person an iCalendar REQUEST or CANCEL with the meeting's UID and a higher SEQUENCE), answers,
attendance, minutes and decisions. Each function owns its transaction."""

from __future__ import annotations

import email.utils
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock
from partner_portal.actions.forms import ActionInput
from partner_portal.actions.models import ActionSource
from partner_portal.actions.service import add_action
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.models import Person
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.errors import Forbidden, NotFound
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.evidence.service import record_evidence
from partner_portal.forms import FormInvalid
from partner_portal.i18n import gettext as _
from partner_portal.meetings import ics, queries
from partner_portal.meetings.access import MeetingAccess
from partner_portal.meetings.forms import MeetingInput
from partner_portal.meetings.mails import Recipient, people_of, send
from partner_portal.meetings.models import (
    Meeting,
    MeetingDecision,
    MeetingOrganisation,
    MeetingPerson,
    Rsvp,
)
from partner_portal.meetings.wording import when
from partner_portal.organisations.models import Organisation
from partner_portal.rooms.models import Participation, Room
from partner_portal.rooms.queries import VISIBLE
from partner_portal.settings import Settings


def meeting_path(meeting_id: int) -> str:
    return f"/moten/{meeting_id}"


def _manager(actor: CurrentPerson) -> None:
    if not actor.is_coordinator:
        raise NotFound()


async def _allowed_organisations(db: AsyncSession, room_id: int | None) -> set[int]:
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


async def _organiser(db: AsyncSession, meeting: Meeting, settings: Settings) -> ics.Party:
    person = await db.get(Person, meeting.organiser_id)
    name = person.name if person else "Partnerportalen"
    address = person.email if person and person.email else None
    return ics.Party(address or email.utils.parseaddr(settings.mail_from)[1], name)


def mail_context(meeting: Meeting, settings: Settings, **extra: Any) -> dict[str, Any]:
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
    organiser = await _organiser(db, meeting, settings)
    event = _event(meeting, settings)
    context = mail_context(meeting, settings, organiser_name=organiser.name, **extra)
    for recipient in recipients:
        calendar = ics.invitation(
            event,
            method=method,
            organiser=organiser,
            attendee=ics.Party(recipient.email, recipient.name),
            now=now,
        )
        send(
            db,
            env,
            template,
            recipient.email,
            {**context, "name": recipient.name},
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
) -> int:
    """Schedule a meeting (in a room, or portal-wide) and invite organisations. Side effects:
    the meeting and its organisations; an invitation with an iCalendar REQUEST (sequence 0) to
    every person of the invited organisations; ``meeting_created`` audited. Commits."""
    _manager(actor)
    if data.room_id is not None:
        room = await db.get(Room, data.room_id)
        if room is None or room.is_closed:
            raise FormInvalid({"room_id": _("Välj ett öppet planeringsrum i listan.")})
    allowed = await _allowed_organisations(db, data.room_id)
    if not set(data.organisation_ids) <= allowed:
        raise FormInvalid({"organisations": _("Bjud bara in organisationer som finns i listan.")})
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
    meeting = await db.get(Meeting, access.meeting.id)
    assert meeting is not None
    assert meeting.id is not None
    if meeting.cancelled_at is not None:
        raise FormInvalid({"title": _("Mötet är inställt och kan inte ändras.")})
    allowed = await _allowed_organisations(db, meeting.room_id)
    before = set(
        await db.scalars(
            sa.select(col(MeetingOrganisation.organisation_id)).where(
                col(MeetingOrganisation.meeting_id) == meeting.id
            )
        )
    )
    wanted = set(data.organisation_ids)
    if not (wanted - before) <= allowed:
        raise FormInvalid({"organisations": _("Bjud bara in organisationer som finns i listan.")})
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
        raise FormInvalid({"rsvp": _("Mötet är inställt.")})
    now = now or clock.now()
    if meeting.ends_at <= now:
        raise FormInvalid({"rsvp": _("Mötet är redan över.")})
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
    record_evidence(
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


def has_started(meeting: queries.MeetingRow, now: datetime | None = None) -> bool:
    """Whether the meeting has begun: from then on who came and the minutes may be recorded
    (before it, they would be evidence of something that has not happened)."""
    return meeting.starts_at <= (now or clock.now())


async def record_attendance(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    present: set[int],
    now: datetime | None = None,
) -> None:
    """Record who came, among the people of the invited organisations (each for the
    organisation they represent), from the meeting's start. Side effects: each person's
    attendance; ``meeting_attended`` evidence once per person who came;
    ``meeting_attendance_recorded`` audited. Commits."""
    if not access.may_manage:
        raise NotFound()
    meeting = access.meeting
    if meeting.cancelled:
        raise FormInvalid({"present": _("Mötet är inställt.")})
    now = now or clock.now()
    if not has_started(meeting, now):
        raise FormInvalid({"present": _("Närvaron kan registreras först när mötet har börjat.")})
    invitees = {i.person_id: i for i in await queries.invitees(db, meeting.id)}
    if not present <= invitees.keys():
        raise FormInvalid({"present": _("Välj närvarande i listan.")})
    rows = {
        r.person_id: r
        for r in await db.scalars(
            sa.select(MeetingPerson).where(col(MeetingPerson.meeting_id) == meeting.id)
        )
    }
    already = set(
        await db.scalars(
            sa.select(col(Evidence.person_id)).where(
                col(Evidence.kind) == EvidenceKind.MEETING_ATTENDED,
                col(Evidence.object_type) == "meeting",
                col(Evidence.object_id) == meeting.id,
            )
        )
    )
    for person_id, invitee in invitees.items():
        attended = person_id in present
        row = rows.get(person_id)
        if row is None:
            row = MeetingPerson(
                meeting_id=meeting.id,
                person_id=person_id,
                organisation_id=invitee.organisation_id,
            )
            db.add(row)
        elif row.attended is attended:
            continue
        row.attended = attended
        row.attendance_recorded_at = now
        row.attendance_recorded_by = actor.id
        if attended and person_id not in already:
            record_evidence(
                db,
                EvidenceKind.MEETING_ATTENDED,
                organisation_id=row.organisation_id,
                person_id=person_id,
                link=meeting_path(meeting.id),
                process=_process(access),
                room_id=meeting.room_id,
                object_type="meeting",
                object_id=meeting.id,
            )
    record(
        db,
        AuditAction.MEETING_ATTENDANCE_RECORDED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
        present=len(present),
    )
    await db.commit()


async def save_minutes(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    minutes: str,
    now: datetime | None = None,
) -> None:
    """Write the minutes, from the meeting's start (a secretary may write them during the
    meeting); the first save files them (the organiser's reminder stops). Side effects: the
    meeting's minutes; ``meeting_minutes_filed`` audited. Commits."""
    if not access.may_manage:
        raise NotFound()
    now = now or clock.now()
    if not has_started(access.meeting, now):
        raise FormInvalid({"minutes": _("Protokollet kan skrivas först när mötet har börjat.")})
    meeting = await db.get(Meeting, access.meeting.id)
    assert meeting is not None
    meeting.minutes = minutes
    if meeting.minutes_filed_at is None:
        meeting.minutes_filed_at = now
        meeting.minutes_filed_by = actor.id
    record(
        db,
        AuditAction.MEETING_MINUTES_FILED,
        actor_id=actor.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    await db.commit()


async def add_decision(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    text: str,
    action: ActionInput | None,
) -> int:
    """Add a decision to the minutes, and (optionally) an action from it owned by one of the
    invited organisations. Side effects: the decision; the action (see
    :func:`partner_portal.actions.service.add_action`). Commits. Returns the decision's id."""
    if not access.may_manage:
        raise NotFound()
    meeting = access.meeting
    decision = MeetingDecision(meeting_id=meeting.id, text=text, created_by=actor.id)
    db.add(decision)
    await db.flush()
    assert decision.id is not None
    if action is not None:
        invited = [i for i, _name in await queries.invited_organisations(db, meeting.id)]
        await add_action(
            db,
            actor=actor,
            data=action,
            source_type=ActionSource.MEETING_DECISION,
            source_id=decision.id,
            source_link=f"{meeting_path(meeting.id)}#beslut-{decision.id}",
            allowed_organisations=invited,
            room_id=meeting.room_id,
            meeting_id=meeting.id,
        )
    await db.commit()
    return decision.id


async def add_decision_action(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: MeetingAccess,
    decision_id: int,
    action: ActionInput,
) -> int:
    """Another action from a decision already in the minutes. Side effects: see
    :func:`partner_portal.actions.service.add_action`. Commits. Returns the action's id."""
    if not access.may_manage:
        raise NotFound()
    decision = await db.get(MeetingDecision, decision_id)
    if decision is None or decision.meeting_id != access.meeting.id:
        raise NotFound()
    meeting = access.meeting
    invited = [i for i, _name in await queries.invited_organisations(db, meeting.id)]
    row = await add_action(
        db,
        actor=actor,
        data=action,
        source_type=ActionSource.MEETING_DECISION,
        source_id=decision_id,
        source_link=f"{meeting_path(meeting.id)}#beslut-{decision_id}",
        allowed_organisations=invited,
        room_id=meeting.room_id,
        meeting_id=meeting.id,
    )
    assert row.id is not None
    await db.commit()
    return row.id
