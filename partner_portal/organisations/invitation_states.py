"""Where each invitation stands, for the lists of invitations: accepted, revoked or expired as
recorded, otherwise the state of its latest email (queued, sent, failed)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.mail.models import OutboxStatus
from partner_portal.mail.outbox import OutboxState, latest_for
from partner_portal.organisations import queries
from partner_portal.organisations.models import InvitationStatus
from partner_portal.organisations.queries import InvitationRow
from partner_portal.platform import clock


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
