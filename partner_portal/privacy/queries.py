"""What the portal holds about a person, and the open removal requests: the reads of
privacy.service (see there for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.actions.models import Action
from partner_portal.attachments.models import Attachment
from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import Person, RoleGrant
from partner_portal.consultations.models import Consultation, Statement
from partner_portal.digests.models import DigestSent
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.frg.models import Volunteer
from partner_portal.frg.queries import held as frg_held
from partner_portal.frg.queries import members as frg_members
from partner_portal.mail.preference_models import DigestFrequency, MailPreference
from partner_portal.meetings.models import CalendarFeed, Meeting, MeetingPerson
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.plans.models import Plan, PlanComment
from partner_portal.platform.errors import NotFound

_REQUEST_STEPS = (
    AuditAction.REMOVAL_REQUESTED,
    AuditAction.REMOVAL_WITHDRAWN,
    AuditAction.PERSON_REMOVED,
)


@dataclass(frozen=True, slots=True)
class RemovalRequest:
    person_id: int
    name: str
    email: str | None
    requested_at: datetime


async def held_about(db: AsyncSession, person_id: int) -> dict[str, Any]:
    """Everything the portal holds about the person, section by section, as plain data with
    dates and moments as such (the page and the JSON download show the same: see jsonable).
    A fixed number of queries, plus a few for each FRG registration."""
    person = await db.get(Person, person_id)
    if person is None:
        raise NotFound()
    email = (person.email or "").lower()
    data: dict[str, Any] = {
        "person": {
            "namn": person.name,
            "e_post": person.email,
            "e_post_verifierad": person.email_verified,
            "inloggningstjanst": person.oidc_issuer,
            "inloggnings_id": person.oidc_subject,
            "forsta_inloggning": (person.created_at),
            "senaste_inloggning": (person.last_login_at),
            "aktiv": person.is_active,
            "sprak": person.language,
        }
    }
    grants = await db.execute(
        sa.select(col(RoleGrant.role), col(RoleGrant.granted_at))
        .where(
            sa.or_(
                col(RoleGrant.person_id) == person_id,
                sa.and_(sa.literal(email != ""), sa.func.lower(col(RoleGrant.email)) == email),
            )
        )
        .order_by(col(RoleGrant.granted_at))
    )
    data["portalroller"] = [{"roll": str(role), "sedan": (at)} for role, at in grants]
    memberships = await db.execute(
        sa.select(
            col(Organisation.name),
            col(Membership.role),
            col(Membership.is_deputy),
            col(Membership.created_at),
            col(Membership.ended_at),
        )
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .where(col(Membership.person_id) == person_id)
        .order_by(col(Membership.created_at), col(Membership.id))
    )
    data["medlemskap"] = [
        {
            "organisation": name,
            "roll": str(role),
            "ersattare": deputy,
            "fran": (start),
            "till": (end),
        }
        for name, role, deputy, start, end in memberships
    ]
    statements = await db.execute(
        sa.select(
            col(Plan.title),
            col(Statement.organisation_name),
            col(Statement.no_objections),
            col(Statement.body),
            col(Statement.signer_name),
            col(Statement.submitted_at),
        )
        .join(Consultation, col(Consultation.id) == col(Statement.consultation_id))
        .join(Plan, col(Plan.id) == col(Consultation.plan_id))
        .where(col(Statement.submitted_by) == person_id)
        .order_by(col(Statement.submitted_at))
    )
    data["yttranden"] = [
        {
            "plan": title,
            "organisation": organisation,
            "inga_synpunkter": none,
            "text": body,
            "undertecknat_av": signer,
            "undertecknat": (at),
        }
        for title, organisation, none, body, signer, at in statements
    ]
    comments = await db.execute(
        sa.select(
            col(Plan.title),
            col(PlanComment.version_number),
            col(PlanComment.body),
            col(PlanComment.created_at),
            col(PlanComment.edited_at),
        )
        .join(Plan, col(Plan.id) == col(PlanComment.plan_id))
        .where(col(PlanComment.author_id) == person_id)
        .order_by(col(PlanComment.created_at), col(PlanComment.id))
    )
    data["kommentarer"] = [
        {
            "plan": title,
            "version": version,
            "text": body,
            "skriven": (at),
            "andrad": (edited),
        }
        for title, version, body, at, edited in comments
    ]
    meetings = await db.execute(
        sa.select(
            col(Meeting.title),
            col(Meeting.starts_at),
            col(Organisation.name),
            col(MeetingPerson.rsvp),
            col(MeetingPerson.attended),
        )
        .join(Meeting, col(Meeting.id) == col(MeetingPerson.meeting_id))
        .join(Organisation, col(Organisation.id) == col(MeetingPerson.organisation_id))
        .where(col(MeetingPerson.person_id) == person_id)
        .order_by(col(Meeting.starts_at))
    )
    data["moten"] = [
        {
            "mote": title,
            "start": (starts),
            "for_organisation": organisation,
            "svar": None if rsvp is None else str(rsvp),
            "narvarande": attended,
        }
        for title, starts, organisation, rsvp, attended in meetings
    ]
    actions = await db.execute(
        sa.select(
            col(Action.title),
            col(Organisation.name),
            col(Action.due_on),
            col(Action.status),
            col(Action.person_id) == person_id,
            col(Action.created_by) == person_id,
        )
        .join(Organisation, col(Organisation.id) == col(Action.organisation_id))
        .where(
            sa.or_(
                col(Action.person_id) == person_id,
                col(Action.created_by) == person_id,
                col(Action.completed_by) == person_id,
            )
        )
        .order_by(col(Action.due_on), col(Action.id))
    )
    data["atgarder"] = [
        {
            "rubrik": title,
            "organisation": organisation,
            "klar_senast": (due),
            "status": str(status),
            "ansvarig": bool(responsible),
            "skapad_av_dig": bool(created),
        }
        for title, organisation, due, status, responsible, created in actions
    ]
    files = await db.execute(
        sa.select(col(Attachment.title), col(Attachment.original_name), col(Attachment.uploaded_at))
        .where(col(Attachment.uploaded_by) == person_id)
        .order_by(col(Attachment.uploaded_at))
    )
    data["filer"] = [
        {"titel": title, "filnamn": name, "uppladdad": (at)} for title, name, at in files
    ]
    feeds = await db.execute(
        sa.select(col(CalendarFeed.created_at), col(CalendarFeed.revoked_at))
        .where(col(CalendarFeed.person_id) == person_id)
        .order_by(col(CalendarFeed.created_at))
    )
    data["kalenderprenumerationer"] = [
        {"skapad": (made), "aterkallad": (revoked)} for made, revoked in feeds
    ]
    tokens = await db.execute(
        sa.select(
            col(ApiToken.name),
            col(ApiToken.created_at),
            col(ApiToken.last_used_at),
            col(ApiToken.revoked_at),
        )
        .where(col(ApiToken.person_id) == person_id)
        .order_by(col(ApiToken.created_at))
    )
    data["api_nycklar"] = [
        {"namn": name, "skapad": (made), "senast_anvand": (used), "aterkallad": (gone)}
        for name, made, used, gone in tokens
    ]
    preference = await db.get(MailPreference, person_id)
    data["utskick"] = [
        {
            "sammanfattningar": str(
                preference.digest_frequency if preference else DigestFrequency.WEEKLY
            ),
            "paminnelser": preference.reminders if preference else True,
            "skickade_sammanfattningar": await db.scalar(
                sa.select(sa.func.count()).where(col(DigestSent.person_id) == person_id)
            ),
        }
    ]
    data["frg"] = []
    for volunteer in await registrations(db, person_id):
        group = await frg_members.frg_organisation(db, volunteer.organisation_id)
        if group is None:
            continue
        held = await frg_held.held_about(db, volunteer)
        data["frg"].append(frg_held.volunteer_data(volunteer, group.name, held))
    events = await db.execute(
        sa.select(
            col(AuditEvent.occurred_at),
            col(AuditEvent.action),
            col(AuditEvent.actor_person_id) == person_id,
            col(AuditEvent.object_type),
            col(AuditEvent.object_id),
            col(AuditEvent.ip_address),
            col(AuditEvent.details),
        )
        .where(_audit_about(person_id))
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    )
    data["logg"] = [
        {
            "tid": (at),
            "handelse": str(action),
            "av_dig": bool(by_you),
            "objekt": None if kind is None else f"{kind} {object_id}",
            "ip_adress": ip,
            "detaljer": details or {},
        }
        for at, action, by_you, kind, object_id, ip, details in events
    ]
    return data


async def registrations(db: AsyncSession, person_id: int) -> list[frg_members.VolunteerRow]:
    """The person's FRG registrations (one per group they volunteer in)."""
    found = []
    query = sa.select(col(Volunteer.id)).where(col(Volunteer.person_id) == person_id)
    for volunteer_id in list(await db.scalars(query)):
        volunteer = await frg_members.volunteer(db, int(volunteer_id or 0))
        if volunteer is not None:
            found.append(volunteer)
    return found


def _audit_about(person_id: int) -> Any:
    """The audit events by the person or about them."""
    return sa.or_(
        col(AuditEvent.actor_person_id) == person_id,
        sa.and_(
            col(AuditEvent.object_type) == "person", col(AuditEvent.object_id) == str(person_id)
        ),
    )


async def is_person(db: AsyncSession, person_id: int) -> bool:
    """Whether there is a person with this id (removed people stay, anonymised)."""
    found = await db.scalar(sa.select(col(Person.id)).where(col(Person.id) == person_id))
    return found is not None


async def pending_request(db: AsyncSession, person_id: int) -> datetime | None:
    """When the person asked for removal, if the request is still open."""
    last = (
        await db.execute(
            sa.select(col(AuditEvent.action), col(AuditEvent.occurred_at))
            .where(
                col(AuditEvent.object_type) == "person",
                col(AuditEvent.object_id) == str(person_id),
                col(AuditEvent.action).in_(_REQUEST_STEPS),
            )
            .order_by(col(AuditEvent.id).desc())
            .limit(1)
        )
    ).first()
    if last is None or last[0] != AuditAction.REMOVAL_REQUESTED:
        return None
    at: datetime = last[1]
    return at


def _latest_steps() -> Any:
    """The id of each person's latest removal step (requested, withdrawn, done)."""
    return (
        sa.select(sa.func.max(col(AuditEvent.id)))
        .where(col(AuditEvent.object_type) == "person", col(AuditEvent.action).in_(_REQUEST_STEPS))
        .group_by(col(AuditEvent.object_id))
    )


async def count_pending(db: AsyncSession) -> int:
    """How many removal requests are open (for the coordinator's start page). One query."""
    count = await db.scalar(
        sa.select(sa.func.count()).where(
            col(AuditEvent.id).in_(_latest_steps()),
            col(AuditEvent.action) == AuditAction.REMOVAL_REQUESTED,
        )
    )
    return int(count or 0)


async def pending_requests(db: AsyncSession) -> list[RemovalRequest]:
    """Open removal requests, oldest first: each person whose latest step is a request. Two
    queries, whatever the number."""
    rows = await db.execute(
        sa.select(col(AuditEvent.object_id), col(AuditEvent.occurred_at))
        .where(
            col(AuditEvent.id).in_(_latest_steps()),
            col(AuditEvent.action) == AuditAction.REMOVAL_REQUESTED,
        )
        .order_by(col(AuditEvent.id))
        .limit(500)
    )
    requested = {int(str(object_id)): at for object_id, at in rows}
    if not requested:
        return []
    people = {
        p.id: p
        for p in await db.scalars(sa.select(Person).where(col(Person.id).in_(list(requested))))
    }
    return [
        RemovalRequest(person_id, people[person_id].name, people[person_id].email, at)
        for person_id, at in requested.items()
        if person_id in people
    ]
