"""Following an invitation's link: what it offers, whether the logged-in person may accept it
(it is bound to the invited address), and accepting it.

Only the token's hash is stored. A token is used once: accepting is one conditional UPDATE, so
of two accepts at the same moment exactly one succeeds. A dead link answers 410 with the reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.models import Person
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.organisations.models import (
    Invitation,
    InvitationStatus,
    MembershipRole,
    Organisation,
)
from partner_portal.organisations.service import add_membership
from partner_portal.platform import clock, links, paths
from partner_portal.platform.db import writing
from partner_portal.platform.errors import Forbidden, Gone
from partner_portal.platform.i18n import gettext as _


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
    return links.gone(links.Why.UNKNOWN, _("Du kan också be om en ny inbjudan."))


async def open_invitation(db: AsyncSession, token: str) -> OpenInvitation:
    """The invitation behind a link, if it can still be accepted; otherwise Gone (410)."""
    if not links.plausible(token):
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
            .where(links.matching(col(Invitation.token_hash), token))
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
                links.matching(col(Invitation.token_hash), token),
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
    await record_evidence(
        db,
        EvidenceKind.INVITATION_ACCEPTED,
        organisation_id=claimed.organisation_id,
        person_id=person.id,
        link=paths.fill(paths.ORG, organisation_id=claimed.organisation_id),
        object_type="invitation",
        object_id=claimed.id,
    )
    await db.commit()
    return int(claimed.organisation_id)
