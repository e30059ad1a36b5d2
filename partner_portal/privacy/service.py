"""What the portal holds about a person, and removing it when they ask.

Every person can read and download what the portal holds about them, and ask for it to be
removed. A coordinator confirms the request; then the person's personal data is deleted, and
the public records they took part in — signed statements, comments on plans, minutes and
attendance, actions, files, the audit log — stay, with the person anonymised: their ``person``
row keeps its id (the records refer to it) but has no name, email or login any more, and is
shown as "Borttagen person". The requests live in the audit log itself (requested, withdrawn,
done), so every step is recorded and nothing new has to be stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock
from partner_portal.actions.models import Action
from partner_portal.attachments.models import Attachment
from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.audit.service import record, record_read
from partner_portal.auth.models import LoginSession, Person, RoleGrant
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.consultations.models import Consultation, Statement
from partner_portal.db import forget_deleted
from partner_portal.errors import NotFound
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.forms import FormInvalid
from partner_portal.frg import queries as frg_queries
from partner_portal.frg import service as frg_service
from partner_portal.frg.models import FrgInvitation, Volunteer
from partner_portal.i18n import gettext as _
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings.models import CalendarFeed, Meeting, MeetingPerson
from partner_portal.organisations.models import Invitation, Membership, Organisation
from partner_portal.plans.models import Plan, PlanComment

REMOVED_NAME = "Borttagen person"
REMOVED_SUBJECT_PREFIX = "borttagen:"
_REQUEST_STEPS = (
    AuditAction.REMOVAL_REQUESTED,
    AuditAction.REMOVAL_WITHDRAWN,
    AuditAction.PERSON_REMOVED,
)


def jsonable(value: Any) -> Any:
    """``value`` with every date and moment as ISO 8601 text (for the JSON download)."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


# --- what the portal holds ---------------------------------------------------------------------


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
    data["frg"] = []
    for volunteer in await _registrations(db, person_id):
        group = await frg_queries.frg_organisation(db, volunteer.organisation_id)
        if group is None:
            continue
        held = await frg_queries.held_about(db, volunteer)
        data["frg"].append(frg_service.volunteer_data(volunteer, group.name, held))
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


async def _registrations(db: AsyncSession, person_id: int) -> list[frg_queries.VolunteerRow]:
    """The person's FRG registrations (one per group they volunteer in)."""
    found = []
    query = sa.select(col(Volunteer.id)).where(col(Volunteer.person_id) == person_id)
    for volunteer_id in list(await db.scalars(query)):
        volunteer = await frg_queries.volunteer(db, int(volunteer_id or 0))
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


async def export(db: AsyncSession, *, person: CurrentPerson) -> dict[str, Any]:
    """The person's download. Side effects: an audit event. Commits."""
    data = await held_about(db, person.id)
    await record_read(
        db,
        AuditAction.PERSONAL_DATA_EXPORTED,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
        format="json",
    )
    exported: dict[str, Any] = jsonable({"hamtad": clock.now(), **data})
    return exported


# --- removal requests ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemovalRequest:
    person_id: int
    name: str
    email: str | None
    requested_at: datetime


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


async def request_removal(db: AsyncSession, *, person: CurrentPerson) -> None:
    """The person asks for their data to be removed. Side effects: an audit event (the request
    itself). Commits. Asking again while a request is open changes nothing."""
    if await pending_request(db, person.id) is not None:
        return
    record(
        db,
        AuditAction.REMOVAL_REQUESTED,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
    )
    await db.commit()


async def withdraw_removal(db: AsyncSession, *, person: CurrentPerson) -> None:
    """The person takes back their open request. Side effects: an audit event. Commits."""
    if await pending_request(db, person.id) is None:
        return
    record(
        db,
        AuditAction.REMOVAL_WITHDRAWN,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
    )
    await db.commit()


async def confirm_removal(db: AsyncSession, *, actor: CurrentPerson, person_id: int) -> None:
    """A coordinator confirms an open request: the person's personal data is deleted and the
    records they took part in stay, anonymised (see the module's docstring and remove_person).
    Side effects: an audit event by the coordinator. One transaction; then, on SQLite, nothing
    of it is left in the database file or its write-ahead log."""
    if await pending_request(db, person_id) is None:
        raise FormInvalid({"person": _("Det finns ingen öppen begäran om radering för personen.")})
    if person_id == actor.id:
        raise FormInvalid(
            {"person": _("En annan samordnare får bekräfta raderingen av dina egna uppgifter.")}
        )
    await remove_person(db, person_id=person_id, actor_id=actor.id)
    await db.commit()
    await forget_deleted(db)


async def remove_person(db: AsyncSession, *, person_id: int, actor_id: int) -> None:
    """In the caller's transaction: delete what is the person's own (logins, roles, calendar
    feeds, FRG registrations, invitations to their address, mail to them), end their
    memberships, revoke their API keys, anonymise their signature on statements, and strip the
    person row of name, email and login (it stays, so records keep pointing at "Borttagen
    person"). Audit: PERSON_REMOVED, with no personal data in it."""
    person = await db.get(Person, person_id)
    if person is None:
        raise NotFound()
    now = clock.now()
    email = (person.email or "").lower()
    for volunteer in await _registrations(db, person_id):
        await frg_service.delete_volunteer_rows(db, volunteer=volunteer, actor_id=actor_id)
    await db.execute(sa.delete(LoginSession).where(col(LoginSession.person_id) == person_id))
    await db.execute(sa.delete(CalendarFeed).where(col(CalendarFeed.person_id) == person_id))
    await db.execute(
        sa.delete(RoleGrant).where(
            sa.or_(
                col(RoleGrant.person_id) == person_id,
                sa.and_(sa.literal(email != ""), sa.func.lower(col(RoleGrant.email)) == email),
            )
        )
    )
    await db.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.person_id) == person_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now, revoked_by=actor_id)
    )
    await db.execute(
        sa.update(Membership)
        .where(col(Membership.person_id) == person_id, col(Membership.ended_at).is_(None))
        .values(ended_at=now)
    )
    if email:
        await db.execute(
            sa.delete(Invitation).where(
                sa.or_(
                    sa.func.lower(col(Invitation.email)) == email,
                    col(Invitation.accepted_by) == person_id,
                )
            )
        )
        await db.execute(
            sa.delete(FrgInvitation).where(
                sa.or_(
                    sa.func.lower(col(FrgInvitation.email)) == email,
                    col(FrgInvitation.accepted_by) == person_id,
                )
            )
        )
        await db.execute(
            sa.delete(OutboxMessage).where(sa.func.lower(col(OutboxMessage.to_address)) == email)
        )
    else:
        await db.execute(sa.delete(Invitation).where(col(Invitation.accepted_by) == person_id))
        await db.execute(
            sa.delete(FrgInvitation).where(col(FrgInvitation.accepted_by) == person_id)
        )
    await db.execute(
        sa.update(Statement)
        .where(col(Statement.submitted_by) == person_id)
        .values(signer_name=REMOVED_NAME)
    )
    await db.execute(
        sa.update(Person)
        .where(col(Person.id) == person_id)
        .values(
            name=REMOVED_NAME,
            email=None,
            email_verified=False,
            is_active=False,
            oidc_subject=f"{REMOVED_SUBJECT_PREFIX}{person_id}",
            last_login_at=None,
        )
    )
    record(
        db,
        AuditAction.PERSON_REMOVED,
        actor_id=actor_id,
        object_type="person",
        object_id=person_id,
    )
