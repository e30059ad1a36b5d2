"""Invitations by email: sending, resending, revoking and accepting.

The link carries a random token; only its hash is stored. A token is bound to its organisation
and role, expires, and is used once: accepting is one conditional UPDATE, so of two accepts at
the same moment exactly one succeeds.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock, i18n
from partner_portal.audit.models import AuditAction
from partner_portal.audit.queries import count_recent
from partner_portal.audit.service import record
from partner_portal.auth.models import Person
from partner_portal.auth.sessions import CurrentPerson, hash_token
from partner_portal.db import writing
from partner_portal.errors import Forbidden, Gone, NotFound, TooManyRequests
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.forms import FormInvalid
from partner_portal.i18n import gettext as _
from partner_portal.mail.messages import build
from partner_portal.mail.models import OutboxStatus
from partner_portal.mail.outbox import OutboxState, enqueue, latest_for
from partner_portal.organisations import access as org_access
from partner_portal.organisations import queries
from partner_portal.organisations.forms import InvitationInput
from partner_portal.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
    Organisation,
)
from partner_portal.organisations.queries import InvitationRow
from partner_portal.organisations.service import add_membership
from partner_portal.settings import Settings

_SENDING = (AuditAction.INVITATION_SENT, AuditAction.INVITATION_RESENT)


@dataclass(frozen=True, slots=True)
class OpenInvitation:
    """What the invitation page shows before the person accepts."""

    organisation_name: str
    role: MembershipRole
    invited_by_name: str | None
    expires_at: datetime
    email: str
    id: int
    organisation_id: int


class Mismatch(enum.StrEnum):
    """Why the logged-in person may not accept an invitation: it is bound to its address."""

    OTHER_ADDRESS = "other_address"  # their login carries another address, or none
    UNVERIFIED = "unverified"  # the address is theirs, but the provider does not vouch for it


class NotForYou(Forbidden):
    """The invitation was sent to another address than the one the person logged in with."""

    def __init__(
        self, invitation: OpenInvitation, mismatch: Mismatch, my_email: str | None
    ) -> None:
        self.invitation = invitation
        self.mismatch = mismatch
        self.my_email = my_email
        super().__init__(
            _("Inbjudan gäller en annan e-postadress än den du är inloggad med."),
            title=_("Inbjudan är till någon annan"),
        )


def invitation_path(token: str) -> str:
    return f"/inbjudan/{token}"


def role_label(role: MembershipRole) -> str:
    if role is MembershipRole.ADMIN:
        return "huvudkontakt (administratör för organisationen)"
    return "representant"


async def _check_rate(db: AsyncSession, actor: CurrentPerson, settings: Settings) -> None:
    hour_ago = clock.now() - timedelta(hours=1)
    sent = await count_recent(db, actor_id=actor.id, actions=_SENDING, since=hour_ago)
    if sent >= settings.invitations_per_hour:
        raise TooManyRequests(
            retry_after=600,
            message=_(
                "Du har skickat %(count)s inbjudningar den senaste timmen, vilket är gränsen. "
                "Vänta en stund och försök igen. Inga nya inbjudningar skickades."
            )
            % {"count": settings.invitations_per_hour},
        )


def _queue_mail(
    db: AsyncSession,
    invitation: Invitation,
    token: str,
    *,
    organisation_name: str,
    inviter_name: str,
    settings: Settings,
    env: Environment,
) -> None:
    assert invitation.id is not None
    language = i18n.current_language.set("sv")  # the mail is Swedish whatever the inviter reads
    try:
        message = build(
            env,
            "invitation",
            invitation.email,
            {
                "organisation_name": organisation_name,
                "inviter_name": inviter_name,
                "role_label": role_label(invitation.role),
                "url": settings.absolute_url(invitation_path(token)),
                "expires_at": invitation.expires_at,
                "portal_url": settings.absolute_url("/"),
            },
        )
    finally:
        i18n.current_language.reset(language)
    enqueue(db, message, related=("invitation", invitation.id))


async def invite(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    organisation_id: int,
    data: InvitationInput,
    settings: Settings,
    env: Environment,
) -> int:
    """Invite someone by email to act for the organisation in ``data.role``.

    The coordinator may invite to any organisation, an organisation's admin to their own.
    Side effects: the invitation (token stored hashed), its email in the outbox, an
    ``invitation_sent`` audit event, and — when the municipality invites — ``organisation
    invited`` evidence; all in one transaction. Raises FormInvalid for a second pending
    invitation to the same address, TooManyRequests beyond the hourly cap.
    """
    access = await org_access.organisation_for(db, actor, organisation_id)
    if not access.can_manage:
        raise Forbidden()
    if not access.organisation.is_active:
        raise FormInvalid({"email": _("Organisationen är inaktiverad och kan inte bjuda in.")})
    await _check_rate(db, actor, settings)
    await _check_not_already_there(db, organisation_id, data.email)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation_id=organisation_id,
        email=data.email,
        role=data.role,
        token_hash=hash_token(token),
        status=InvitationStatus.PENDING,
        invited_by=actor.id,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    db.add(invitation)
    await db.flush()
    assert invitation.id is not None
    _queue_mail(
        db,
        invitation,
        token,
        organisation_name=access.organisation.name,
        inviter_name=actor.name,
        settings=settings,
        env=env,
    )
    record(
        db,
        AuditAction.INVITATION_SENT,
        actor_id=actor.id,
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=organisation_id,
        email=data.email,
        role=str(data.role),
    )
    if actor.is_coordinator:
        record_evidence(
            db,
            EvidenceKind.ORGANISATION_INVITED,
            organisation_id=organisation_id,
            person_id=None,
            link=f"/organisationer/{organisation_id}",
            object_type="invitation",
            object_id=invitation.id,
        )
    await db.commit()
    return invitation.id


async def _check_not_already_there(db: AsyncSession, organisation_id: int, email: str) -> None:
    pending = await db.scalar(
        sa.select(col(Invitation.id)).where(
            col(Invitation.organisation_id) == organisation_id,
            col(Invitation.email) == email,
            col(Invitation.status) == InvitationStatus.PENDING,
            col(Invitation.expires_at) > clock.now(),
        )
    )
    if pending is not None:
        raise FormInvalid(
            {
                "email": _(
                    "Den adressen har redan en inbjudan som väntar. Skicka den igen i stället."
                )
            }
        )
    member = await db.scalar(
        sa.select(col(Membership.id))
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            col(Membership.organisation_id) == organisation_id,
            col(Membership.ended_at).is_(None),
            col(Person.email) == email,
        )
    )
    if member is not None:
        raise FormInvalid({"email": _("Personen med den adressen är redan med i organisationen.")})


async def _managed_invitation(
    db: AsyncSession, actor: CurrentPerson, invitation_id: int
) -> tuple[Invitation, org_access.OrganisationAccess]:
    invitation = await db.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound()
    access = await org_access.organisation_for(db, actor, invitation.organisation_id)
    if not access.can_manage:
        raise NotFound()
    return invitation, access


async def resend(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    invitation_id: int,
    settings: Settings,
    env: Environment,
) -> int:
    """Send a pending (or expired) invitation again with a new link; the old link stops
    working. Side effects: new token and expiry, a new email in the outbox, an
    ``invitation_resent`` audit event. Commits. Returns the organisation's id."""
    invitation, access = await _managed_invitation(db, actor, invitation_id)
    if invitation.status is not InvitationStatus.PENDING:
        raise Gone(_("Inbjudan har redan accepterats eller återkallats och kan inte skickas igen."))
    await _check_rate(db, actor, settings)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.invitation_days)
    _queue_mail(
        db,
        invitation,
        token,
        organisation_name=access.organisation.name,
        inviter_name=actor.name,
        settings=settings,
        env=env,
    )
    record(
        db,
        AuditAction.INVITATION_RESENT,
        actor_id=actor.id,
        object_type="invitation",
        object_id=invitation_id,
        organisation_id=invitation.organisation_id,
        email=invitation.email,
    )
    await db.commit()
    return invitation.organisation_id


async def revoke(db: AsyncSession, *, actor: CurrentPerson, invitation_id: int) -> int:
    """Withdraw a pending invitation; its link then answers 410. Side effects: status and an
    ``invitation_revoked`` audit event. Commits. Returns the organisation's id."""
    invitation, _access = await _managed_invitation(db, actor, invitation_id)
    if invitation.status is InvitationStatus.PENDING:
        invitation.status = InvitationStatus.REVOKED
        invitation.revoked_at = clock.now()
        record(
            db,
            AuditAction.INVITATION_REVOKED,
            actor_id=actor.id,
            object_type="invitation",
            object_id=invitation_id,
            organisation_id=invitation.organisation_id,
            email=invitation.email,
        )
        await db.commit()
    return invitation.organisation_id


def _gone_because(status: InvitationStatus | None, expired: bool) -> Gone:
    if status is InvitationStatus.ACCEPTED:
        return Gone(
            _("Inbjudan har redan använts. Logga in för att komma till din organisation."),
            title=_("Inbjudan är redan använd"),
        )
    if status is InvitationStatus.REVOKED:
        return Gone(
            _("Inbjudan har återkallats. Kontakta den som bjöd in dig om du ändå ska vara med."),
            title=_("Inbjudan är återkallad"),
        )
    if expired:
        return Gone(
            _("Inbjudan har gått ut. Be den som bjöd in dig att skicka den igen."),
            title=_("Inbjudan har gått ut"),
        )
    return Gone(
        _(
            "Länken gäller inte. Kontrollera att du har kopierat hela länken från "
            "e-postmeddelandet, eller be om en ny inbjudan."
        ),
        title=_("Länken gäller inte"),
    )


async def open_invitation(db: AsyncSession, token: str) -> OpenInvitation:
    """The invitation behind a link, if it can still be accepted; otherwise Gone (410)."""
    if not token or len(token) > 100:
        raise _gone_because(None, False)
    row: Any = (
        await db.execute(
            sa.select(
                col(Organisation.name),
                col(Organisation.is_active),
                col(Invitation.role),
                col(Invitation.status),
                col(Invitation.expires_at),
                col(Invitation.email),
                col(Invitation.id),
                col(Invitation.organisation_id),
                col(Person.name).label("inviter"),
            )
            .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
            .outerjoin(Person, col(Person.id) == col(Invitation.invited_by))
            .where(col(Invitation.token_hash) == hash_token(token))
        )
    ).one_or_none()
    if row is None or not row.is_active:
        raise _gone_because(None, False)
    expired = row.expires_at <= clock.now()
    if row.status is not InvitationStatus.PENDING or expired:
        raise _gone_because(row.status, expired)
    return OpenInvitation(
        row.name, row.role, row.inviter, row.expires_at, row.email, row.id, row.organisation_id
    )


async def mismatch_for(
    db: AsyncSession, invitation: OpenInvitation, person_id: int
) -> tuple[Mismatch | None, str | None]:
    """Whether ``person_id`` may accept: only with the invited address (in any case) as the
    provider verified it (``email_verified``, or PORTAL_OIDC_TRUST_EMAIL). Returns the reason
    they may not (None: they may) and the address they are logged in with."""
    row = (
        await db.execute(
            sa.select(col(Person.email), col(Person.email_verified)).where(
                col(Person.id) == person_id
            )
        )
    ).one_or_none()
    email, verified = (row.email, row.email_verified) if row else (None, False)
    if not email or email.strip().lower() != invitation.email.strip().lower():
        return Mismatch.OTHER_ADDRESS, email
    if not verified:
        return Mismatch.UNVERIFIED, email
    return None, email


async def accept(
    db: AsyncSession, *, person: CurrentPerson, token: str, ip_address: str | None
) -> int:
    """Accept the invitation as the logged-in person, who from now on acts for the organisation.

    Side effects: the invitation is marked accepted (one conditional UPDATE: of two accepts at
    once exactly one succeeds), a membership in the invited role, audit events and
    ``invitation accepted`` evidence; one transaction. Returns the organisation's id; Gone (410)
    for a used, revoked, expired or unknown link; NotForYou (403, audited as
    ``invitation_refused``) when the person's verified address is not the invited one.
    """
    if db.in_transaction():
        await db.commit()  # start from a fresh snapshot: SQLite upgrades read locks badly
    invitation = await open_invitation(db, token)  # the precise reason, if the link is dead
    mismatch, my_email = await mismatch_for(db, invitation, person.id)
    await db.commit()
    if mismatch is not None:
        async with writing(db):
            record(
                db,
                AuditAction.INVITATION_REFUSED,
                actor_id=person.id,
                object_type="invitation",
                object_id=invitation.id,
                organisation_id=invitation.organisation_id,
                ip_address=ip_address,
                invited=invitation.email,
                logged_in_as=my_email,
                reason=mismatch.value,
            )
        raise NotForYou(invitation, mismatch, my_email)
    now = clock.now()
    claimed = (
        await db.execute(
            sa.update(Invitation)
            .where(
                col(Invitation.token_hash) == hash_token(token),
                col(Invitation.status) == InvitationStatus.PENDING,
                col(Invitation.expires_at) > now,
            )
            .values(status=InvitationStatus.ACCEPTED, accepted_by=person.id, accepted_at=now)
            .returning(col(Invitation.id), col(Invitation.organisation_id), col(Invitation.role))
        )
    ).one_or_none()
    if claimed is None:  # someone else accepted it a moment ago
        await db.rollback()
        raise _gone_because(InvitationStatus.ACCEPTED, False)
    await add_membership(
        db,
        person_id=person.id,
        organisation_id=claimed.organisation_id,
        role=claimed.role,
        actor_id=person.id,
    )
    record(
        db,
        AuditAction.INVITATION_ACCEPTED,
        actor_id=person.id,
        object_type="invitation",
        object_id=claimed.id,
        organisation_id=claimed.organisation_id,
        ip_address=ip_address,
    )
    record_evidence(
        db,
        EvidenceKind.INVITATION_ACCEPTED,
        organisation_id=claimed.organisation_id,
        person_id=person.id,
        link=f"/organisationer/{claimed.organisation_id}",
        object_type="invitation",
        object_id=claimed.id,
    )
    await db.commit()
    return int(claimed.organisation_id)


class InvitationState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class InvitationListItem:
    invitation: InvitationRow
    state: InvitationState
    failure: str | None

    @property
    def can_resend(self) -> bool:
        return self.state not in (InvitationState.ACCEPTED, InvitationState.REVOKED)

    @property
    def can_revoke(self) -> bool:
        return self.state not in (
            InvitationState.ACCEPTED,
            InvitationState.REVOKED,
            InvitationState.EXPIRED,
        )


def invitation_state(
    row: InvitationRow, outbox: OutboxState | None, now: datetime
) -> InvitationState:
    """Accepted and revoked are recorded; expired follows from the date; otherwise the state
    of its latest email: queued (also while being retried), sent, or failed for good."""
    if row.status is InvitationStatus.ACCEPTED:
        return InvitationState.ACCEPTED
    if row.status is InvitationStatus.REVOKED:
        return InvitationState.REVOKED
    if row.expires_at <= now:
        return InvitationState.EXPIRED
    if outbox is None or outbox.status in (OutboxStatus.PENDING, OutboxStatus.SENDING):
        return InvitationState.QUEUED
    if outbox.status is OutboxStatus.FAILED:
        return InvitationState.FAILED
    return InvitationState.SENT


async def overview(
    db: AsyncSession, *, organisation_id: int | None = None, pending_only: bool = False
) -> list[InvitationListItem]:
    """Invitations with the state of each, newest first; two queries whatever their number."""
    rows = await queries.invitations(db, organisation_id=organisation_id, pending_only=pending_only)
    mail = await latest_for(db, "invitation", [row.id for row in rows])
    now = clock.now()
    items = []
    for row in rows:
        outbox = mail.get(row.id)
        state = invitation_state(row, outbox, now)
        failure = outbox.last_error if outbox and state is InvitationState.FAILED else None
        items.append(InvitationListItem(row, state, failure))
    return items
