"""Joining an FRG group: the lead's invitations by email, the open sign-up link, the lead's
approval, and the volunteer's registration (contact details, dates, skills) filled in next.

Each function owns its transaction and its docstring lists its side effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.queries import count_recent
from partner_portal.audit.service import record
from partner_portal.auth.queries import recipient
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.frg.groups import ensure_group
from partner_portal.frg.models import (
    FrgGroup,
    FrgInvitation,
    FrgInvitationStatus,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
)
from partner_portal.frg.queries import members
from partner_portal.frg.queries.members import GroupRow, VolunteerRow
from partner_portal.mail import facade as mail
from partner_portal.organisations.models import Organisation
from partner_portal.platform import clock, links, paths
from partner_portal.platform.errors import Gone, NotFound, TooManyRequests
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings


@dataclass(frozen=True, slots=True)
class RegistrationInput:
    phone: str
    email: str
    skill_ids: frozenset[int]
    agreement_signed_on: date | None
    basic_course_on: date | None


def invitation_path(token: str) -> str:
    return paths.fill(paths.FRG_INVITATION_LINK, token=token)


def signup_path(token: str) -> str:
    return paths.fill(paths.FRG_SIGNUP_LINK, token=token)


async def invite(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    group: GroupRow,
    email: str,
    settings: Settings,
    env: Environment,
) -> None:
    """Invite someone by email to join as a volunteer. Side effects: the invitation (token
    hashed), its mail in the outbox, an audit event; one transaction. TooManyRequests beyond
    the hourly cap shared with other invitations."""
    sent = await count_recent(
        db,
        actor_id=actor.id,
        actions=(
            AuditAction.FRG_VOLUNTEER_INVITED,
            AuditAction.INVITATION_SENT,
            AuditAction.INVITATION_RESENT,
        ),
        since=clock.now() - timedelta(hours=1),
    )
    if sent >= settings.invitations_per_hour:
        raise TooManyRequests(retry_after=600)
    await ensure_group(db, group.id)
    now = clock.now()
    token = links.new_token()
    invitation = FrgInvitation(
        organisation_id=group.id,
        email=email,
        token_hash=links.digest(token),
        status=FrgInvitationStatus.PENDING,
        invited_by=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    db.add(invitation)
    await db.flush()
    assert invitation.id is not None
    mail.send(
        db,
        env,
        "frg-invitation",
        to=await recipient(db, email),
        context={
            "group_name": group.name,
            "inviter_name": actor.name,
            "url": settings.absolute_url(invitation_path(token)),
            "expires_at": invitation.expires_at,
        },
        related=("frg_invitation", invitation.id),
    )
    record(
        db,
        AuditAction.FRG_VOLUNTEER_INVITED,
        actor_id=actor.id,
        object_type="frg_invitation",
        object_id=invitation.id,
        organisation_id=group.id,
    )
    await db.commit()


@dataclass(frozen=True, slots=True)
class OpenLink:
    group_name: str
    expires_at: datetime | None


def _link_gone() -> Gone:
    return links.gone(links.Why.UNKNOWN, _("Be din FRG-ledare om en ny länk."))


async def open_invitation(db: AsyncSession, token: str) -> OpenLink:
    """The invitation behind a link if it can still be accepted, else Gone."""
    if not links.plausible(token):
        raise _link_gone()
    row: Any = (
        await db.execute(
            sa.select(
                col(Organisation.name),
                col(Organisation.is_active),
                col(FrgInvitation.status),
                col(FrgInvitation.expires_at),
            )
            .join(Organisation, col(Organisation.id) == col(FrgInvitation.organisation_id))
            .where(links.matching(col(FrgInvitation.token_hash), token))
        )
    ).one_or_none()
    if (
        row is None
        or not row.is_active
        or row.status is not FrgInvitationStatus.PENDING
        or row.expires_at <= clock.now()
    ):
        raise _link_gone()
    return OpenLink(row.name, row.expires_at)


async def _join(
    db: AsyncSession, person: CurrentPerson, organisation_id: int, status: VolunteerStatus
) -> None:
    existing = await members.volunteer_of(db, person.id, organisation_id)
    if existing is None:
        db.add(
            Volunteer(
                organisation_id=organisation_id,
                person_id=person.id,
                status=status,
                email=person.email or "",
            )
        )
    elif existing.status is VolunteerStatus.PENDING and status is VolunteerStatus.ACTIVE:
        await db.execute(
            sa.update(Volunteer)
            .where(col(Volunteer.id) == existing.id)
            .values(status=VolunteerStatus.ACTIVE)
        )
    record(
        db,
        AuditAction.FRG_VOLUNTEER_JOINED,
        actor_id=person.id,
        object_type="frg_volunteer",
        organisation_id=organisation_id,
        status=str(status),
    )


async def accept_invitation(db: AsyncSession, *, person: CurrentPerson, token: str) -> int:
    """Join as a volunteer through an invitation. Side effects: the invitation is used (one
    conditional UPDATE: of two accepts exactly one succeeds), the volunteer's registration
    (approved; the form is filled in next), an audit event. Returns the organisation id."""
    await open_invitation(db, token)
    await db.commit()
    claimed: Any = (
        await db.execute(
            sa.update(FrgInvitation)
            .where(
                links.matching(col(FrgInvitation.token_hash), token),
                col(FrgInvitation.status) == FrgInvitationStatus.PENDING,
                col(FrgInvitation.expires_at) > clock.now(),
            )
            .values(
                status=FrgInvitationStatus.ACCEPTED, accepted_by=person.id, accepted_at=clock.now()
            )
            .returning(col(FrgInvitation.organisation_id))
        )
    ).one_or_none()
    if claimed is None:
        await db.rollback()
        raise _link_gone()
    organisation_id = int(claimed.organisation_id)
    await ensure_group(db, organisation_id)
    await _join(db, person, organisation_id, VolunteerStatus.ACTIVE)
    await db.commit()
    return organisation_id


async def create_signup_link(db: AsyncSession, *, actor: CurrentPerson, group: GroupRow) -> str:
    """A new open sign-up link for the group (the old one stops working); shown once. Side
    effects: its hash on the group, an audit event. Commits. Returns the token."""
    await ensure_group(db, group.id)
    token = links.new_token()
    await db.execute(
        sa.update(FrgGroup)
        .where(col(FrgGroup.organisation_id) == group.id)
        .values(signup_token_hash=links.digest(token), signup_created_at=clock.now())
    )
    record(
        db,
        AuditAction.FRG_SIGNUP_LINK_CREATED,
        actor_id=actor.id,
        object_type="frg_group",
        object_id=group.id,
        organisation_id=group.id,
    )
    await db.commit()
    return token


async def open_signup(db: AsyncSession, token: str) -> GroupRow:
    if not links.plausible(token):
        raise _link_gone()
    organisation_id = await db.scalar(
        sa.select(col(FrgGroup.organisation_id)).where(
            links.matching(col(FrgGroup.signup_token_hash), token)
        )
    )
    group = None if organisation_id is None else await members.frg_organisation(db, organisation_id)
    if group is None or not group.is_active:
        raise _link_gone()
    return group


async def sign_up(db: AsyncSession, *, person: CurrentPerson, token: str) -> int:
    """Ask to join through the open link: a registration waiting for the lead's approval.
    Side effects: the registration, an audit event. Commits. Returns the organisation id."""
    group = await open_signup(db, token)
    await db.commit()
    await _join(db, person, group.id, VolunteerStatus.PENDING)
    await db.commit()
    return group.id


async def approve(
    db: AsyncSession, *, actor: CurrentPerson, group: GroupRow, volunteer_id: int
) -> None:
    """Side effects: the registration becomes active, an audit event. Commits."""
    volunteer = await db.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.organisation_id != group.id:
        raise NotFound()
    if volunteer.status is VolunteerStatus.PENDING:
        volunteer.status = VolunteerStatus.ACTIVE
        record(
            db,
            AuditAction.FRG_VOLUNTEER_APPROVED,
            actor_id=actor.id,
            object_type="frg_volunteer",
            object_id=volunteer_id,
            organisation_id=group.id,
        )
        await db.commit()


async def save_registration(
    db: AsyncSession, *, volunteer: VolunteerRow, data: RegistrationInput
) -> None:
    """Side effects: contact details, dates and skills replaced; registered (the first time)
    and active now. Commits."""
    row = await db.get(Volunteer, volunteer.id)
    if row is None:
        raise NotFound()
    now = clock.now()
    row.phone = data.phone
    row.email = data.email
    row.agreement_signed_on = data.agreement_signed_on
    row.basic_course_on = data.basic_course_on
    row.registered_at = row.registered_at or now
    row.last_active_at = now
    await db.execute(sa.delete(VolunteerSkill).where(col(VolunteerSkill.volunteer_id) == row.id))
    for skill_id in sorted(data.skill_ids):
        db.add(VolunteerSkill(volunteer_id=volunteer.id, skill_id=skill_id))
    await db.commit()
