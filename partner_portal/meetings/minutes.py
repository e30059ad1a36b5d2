"""The record of a meeting once it has begun: who came, the minutes, and the decisions (each
optionally with actions for the invited organisations). Each function owns its transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import ActionSource
from partner_portal.actions.service import ActionInput, add_action
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.meetings import queries
from partner_portal.meetings.access import MeetingAccess
from partner_portal.meetings.models import Meeting, MeetingDecision, MeetingPerson
from partner_portal.meetings.scheduling import meeting_path
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _


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
        raise Invalid({"present": _("Mötet är inställt.")})
    now = now or clock.now()
    if not has_started(meeting, now):
        raise Invalid({"present": _("Närvaron kan registreras först när mötet har börjat.")})
    invitees = {i.person_id: i for i in await queries.invitees(db, meeting.id)}
    if not present <= invitees.keys():
        raise Invalid({"present": _("Välj närvarande i listan.")})
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
            await record_evidence(
                db,
                EvidenceKind.MEETING_ATTENDED,
                organisation_id=row.organisation_id,
                person_id=person_id,
                link=meeting_path(meeting.id),
                process=access.meeting.process,
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
        raise Invalid({"minutes": _("Protokollet kan skrivas först när mötet har börjat.")})
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
