"""Invitations by email: sending, resending and revoking them, within the hourly cap.

The link carries a random token; only its hash is stored. A token is bound to its organisation
and role and expires; resending makes a new one, so the old link stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.queries import count_recent
from partner_portal.audit.service import record
from partner_portal.auth.models import Person
from partner_portal.auth.queries import recipient
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.mail import facade as mail
from partner_portal.organisations import access as org_access
from partner_portal.organisations.acting import current_membership
from partner_portal.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    MembershipRole,
)
from partner_portal.platform import clock, links, paths
from partner_portal.platform.errors import Forbidden, Gone, Invalid, TooManyRequests
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings

_SENDING = (AuditAction.INVITATION_SENT, AuditAction.INVITATION_RESENT)


@dataclass(frozen=True, slots=True)
class InvitationInput:
    email: str
    role: MembershipRole


def invitation_path(token: str) -> str:
    return paths.fill(paths.INVITATION_LINK, token=token)


def role_label(role: MembershipRole) -> str:
    if role is MembershipRole.ADMIN:
        return _("huvudkontakt (administratör för organisationen)")
    return _("representant")


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


async def _queue_mail(
    db: AsyncSession,
    invitation: Invitation,
    token: str,
    *,
    organisation_name: str,
    inviter_name: str,
    settings: Settings,
    env: Environment,
) -> None:
    """The invitation, in the language of the person who already has the address (Swedish
    for someone not yet in the portal), whatever the inviter reads."""
    assert invitation.id is not None
    mail.send(
        db,
        env,
        "invitation",
        to=await recipient(db, invitation.email),
        context=lambda: {
            "organisation_name": organisation_name,
            "inviter_name": inviter_name,
            "role_label": role_label(invitation.role),
            "url": settings.absolute_url(invitation_path(token)),
            "expires_at": invitation.expires_at,
            "portal_url": settings.absolute_url("/"),
        },
        related=("invitation", invitation.id),
    )


async def invite(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: org_access.OrganisationAccess,
    data: InvitationInput,
    settings: Settings,
    env: Environment,
) -> int:
    """Invite someone by email to act for the organisation in ``data.role`` (``access``: the
    organisation as the actor may see it, from ``access.organisation_for``).

    The coordinator may invite to any organisation, an organisation's admin to their own.
    Side effects: the invitation (token stored hashed), its email in the outbox, an
    ``invitation_sent`` audit event, and — when the municipality invites — ``organisation
    invited`` evidence; all in one transaction. Raises Invalid for a second pending
    invitation to the same address, TooManyRequests beyond the hourly cap.
    """
    if not access.can_manage:
        raise Forbidden()
    organisation_id = access.organisation.id
    if not access.organisation.is_active:
        raise Invalid({"email": _("Organisationen är inaktiverad och kan inte bjuda in.")})
    await _check_rate(db, actor, settings)
    await _check_not_already_there(db, organisation_id, data.email)
    now = clock.now()
    token = links.new_token()
    invitation = Invitation(
        organisation_id=organisation_id,
        email=data.email,
        role=data.role,
        token_hash=links.digest(token),
        status=InvitationStatus.PENDING,
        invited_by=actor.id,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    db.add(invitation)
    await db.flush()
    assert invitation.id is not None
    await _queue_mail(
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
        await record_evidence(
            db,
            EvidenceKind.ORGANISATION_INVITED,
            organisation_id=organisation_id,
            person_id=None,
            link=paths.fill(paths.ORG, organisation_id=organisation_id),
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
        raise Invalid(
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
            current_membership(),
            col(Person.email) == email,
        )
    )
    if member is not None:
        raise Invalid({"email": _("Personen med den adressen är redan med i organisationen.")})


async def resend(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    managed: org_access.InvitationAccess,
    settings: Settings,
    env: Environment,
) -> int:
    """Send a pending (or expired) invitation again with a new link; the old link stops
    working. ``managed``: from ``access.invitation_for`` (the actor manages its organisation).
    Side effects: new token and expiry, a new email in the outbox, an ``invitation_resent``
    audit event. Commits. Returns the organisation's id."""
    invitation, access = managed.invitation, managed.organisation
    if invitation.status is not InvitationStatus.PENDING:
        raise Gone(_("Inbjudan har redan accepterats eller återkallats och kan inte skickas igen."))
    await _check_rate(db, actor, settings)
    now = clock.now()
    token = links.new_token()
    invitation.token_hash = links.digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.invitation_days)
    await _queue_mail(
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
        object_id=invitation.id,
        organisation_id=invitation.organisation_id,
        email=invitation.email,
    )
    await db.commit()
    return invitation.organisation_id


async def revoke(
    db: AsyncSession, *, actor: CurrentPerson, managed: org_access.InvitationAccess
) -> int:
    """Withdraw a pending invitation; its link then answers 410. ``managed``: from
    ``access.invitation_for`` (the actor manages its organisation). Side effects: status and an
    ``invitation_revoked`` audit event. Commits. Returns the organisation's id."""
    invitation = managed.invitation
    if invitation.status is InvitationStatus.PENDING:
        invitation.status = InvitationStatus.REVOKED
        invitation.revoked_at = clock.now()
        record(
            db,
            AuditAction.INVITATION_REVOKED,
            actor_id=actor.id,
            object_type="invitation",
            object_id=invitation.id,
            organisation_id=invitation.organisation_id,
            email=invitation.email,
        )
        await db.commit()
    return invitation.organisation_id
