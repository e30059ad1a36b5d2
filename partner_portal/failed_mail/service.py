"""Sending a failed message again."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.failed_mail.queries import FailedRow
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.platform import clock
from partner_portal.platform.errors import BadRequest, NotFound
from partner_portal.platform.i18n import gettext as _


async def retry(db: AsyncSession, *, actor: CurrentPerson, message: FailedRow) -> None:
    """Hand a failed message back to the outbox: ``pending``, due now, with a fresh round of
    attempts (the outbox loop then delivers it as any other). Side effects: the outbox row;
    ``mail_retried`` audited. Commits. A message that is no longer failed (sent again
    meanwhile by someone else) is NotFound; one to something that is not an address cannot
    be sent (BadRequest)."""
    if not actor.is_coordinator:
        raise NotFound()
    if not message.may_retry:
        raise BadRequest(
            _("Mottagaren är inte en e-postadress, så meddelandet kan inte skickas igen.")
        )
    retried = await db.scalar(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message.id,
            col(OutboxMessage.status) == OutboxStatus.FAILED,
        )
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=clock.now(),
            claimed_until=None,
        )
        .returning(col(OutboxMessage.id))
    )
    if retried is None:
        raise NotFound()
    record(
        db,
        AuditAction.MAIL_RETRIED,
        actor_id=actor.id,
        object_type="outbox_message",
        object_id=message.id,
        attempts=message.attempts,
    )
    await db.commit()
