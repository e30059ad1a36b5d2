"""Delivering the outbox over SMTP. The one module that uses aiosmtplib.

Delivery is at-least-once. A round first *claims* due messages (``sending``, with a lease) and
commits, then sends each one, then records its outcome. A worker that dies in between leaves its
claims to expire, and a later round claims them again: nothing is lost, but a message the SMTP
server had already accepted is sent a second time. That second copy carries the same
Message-ID (it is derived from the outbox row), so mail clients can tell it is the same mail.

Several workers may run at once on PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` gives each
claim rows no other worker is claiming. SQLite has one writer at a time, which serialises claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiosmtplib
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from partner_portal.mail.messages import Message, to_email
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.platform import clock
from partner_portal.platform.db import transaction
from partner_portal.platform.settings import Settings, SmtpTls

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 8
# 1 min, 2, 4 … 64 min between the eight attempts: about two hours before a message fails.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
LEASE = timedelta(minutes=5)
SMTP_TIMEOUT = 10.0  # seconds, for each SMTP command
SEND_DEADLINE = 30.0  # seconds, for one whole message: connect, TLS, login, send
_ERROR_MAX = 500

_INTERRUPTED = "delivery was interrupted (the worker stopped while sending)"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling, capped."""
    return min(BACKOFF_FIRST * (1 << min(max(attempts - 1, 0), 20)), BACKOFF_MAX)


async def claim_due(
    db: AsyncSession, *, now: datetime, limit: int = 20, lease: timedelta = LEASE
) -> list[int]:
    """Claim up to ``limit`` due messages for the caller to send; return their ids.

    Due means pending with ``next_attempt_at <= now``, or ``sending`` with an expired lease
    (its worker died mid-delivery). Side effects, in one transaction that is committed: the
    claimed messages become ``sending`` with ``claimed_until = now + lease`` and one more
    attempt; an interrupted message that already had its last attempt becomes ``failed``.
    Rows another worker is claiming at the same moment are skipped, not waited for.
    """
    abandoned = sa.and_(
        col(OutboxMessage.status) == OutboxStatus.SENDING,
        col(OutboxMessage.claimed_until) < now,
    )
    due = sa.or_(
        sa.and_(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        abandoned,
    )
    rows = (
        await db.execute(
            sa.select(col(OutboxMessage.id), col(OutboxMessage.status), col(OutboxMessage.attempts))
            .where(due)
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    exhausted = [
        r.id for r in rows if r.status == OutboxStatus.SENDING and r.attempts >= MAX_ATTEMPTS
    ]
    claimed = [r.id for r in rows if r.id not in exhausted]
    if exhausted:
        await db.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(exhausted))
            .values(status=OutboxStatus.FAILED, claimed_until=None, last_error=_INTERRUPTED)
        )
    if claimed:
        await db.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(claimed))
            .values(
                status=OutboxStatus.SENDING,
                claimed_until=now + lease,
                attempts=col(OutboxMessage.attempts) + 1,
            )
        )
    await db.commit()
    return claimed


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = 20,
) -> int:
    """Send the messages that are due; return how many were sent.

    ``now`` fixes the clock (tests); by default it is the real time at each step. Side effects:
    claims messages (committed, see :func:`claim_due`); sends each over SMTP; right after each
    send records its outcome in a transaction of its own — ``sent``; or ``pending`` again with
    ``last_error`` and ``next_attempt_at`` pushed back by :func:`backoff`; or ``failed`` with
    ``last_error`` after :data:`MAX_ATTEMPTS`, or at once when the server refuses the recipient
    for good. A failure of one message does not stop the others. Logs each failure. Cancelled,
    it first finishes the message in hand (see :func:`_uninterrupted`).
    """

    def moment() -> datetime:
        return now if now is not None else clock.now()

    started = time.monotonic()
    ids = await _uninterrupted(_claim(sessions, moment(), limit))
    if not ids:
        return 0
    rows = await _uninterrupted(_load(sessions, ids))

    sent = 0
    for row in rows:
        if time.monotonic() - started > LEASE.total_seconds() / 2:
            # The lease would run out while sending: another worker could then claim and send
            # the same message. Hand the rest back, without counting this as an attempt.
            await _uninterrupted(
                _finish(
                    sessions,
                    row,
                    status=OutboxStatus.PENDING,
                    claimed_until=None,
                    attempts=row.attempts - 1,
                )
            )
            continue
        sent += await _uninterrupted(_deliver(sessions, settings, row, moment))
    return sent


async def _uninterrupted(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to its end even if this task is cancelled meanwhile, then be cancelled.

    Stopping the worker (``serve`` shutting down) then never leaves a message sent but not
    recorded as sent, which would send it again after the lease. Nor a database transaction
    cut off halfway, which on SQLite can keep the database locked. At most one message's
    :data:`SEND_DEADLINE` is waited for.
    """
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


async def _claim(
    sessions: async_sessionmaker[AsyncSession], now: datetime, limit: int
) -> list[int]:
    async with sessions() as db:
        return await claim_due(db, now=now, limit=limit)


async def _load(
    sessions: async_sessionmaker[AsyncSession], ids: list[int]
) -> Sequence[OutboxMessage]:
    async with sessions() as db:
        return (
            await db.scalars(
                sa.select(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ids))
                .order_by(col(OutboxMessage.id))
            )
        ).all()


async def _deliver(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    row: OutboxMessage,
    clock: Callable[[], datetime],
) -> bool:
    """Send one claimed message and record the outcome; whether it was sent."""
    try:
        mime = _mime(row, settings)
    except ValueError as exc:  # the message can never be written: no point retrying
        await _record_failure(sessions, row, _describe(exc, settings), clock(), final=True)
        return False
    try:
        async with asyncio.timeout(SEND_DEADLINE):
            await _send(mime, settings)
    except Exception as exc:
        await _record_failure(
            sessions, row, _describe(exc, settings), clock(), final=_permanent(exc)
        )
        return False
    await _finish(
        sessions,
        row,
        status=OutboxStatus.SENT,
        sent_at=clock(),
        claimed_until=None,
        last_error=None,
    )
    log.info("outbox: sent message %d", row.id)
    return True


def _mime(row: OutboxMessage, settings: Settings) -> EmailMessage:
    domain = _message_id_domain(settings)
    message = Message(
        to=row.to_address,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        calendar=row.body_calendar,
        calendar_method=row.calendar_method,
        headers=tuple((name, value) for name, value in row.extra_headers or ()),
    )
    mime = to_email(message, sender=settings.mail_from, message_id_domain=domain)
    # The same Message-ID on every attempt: a copy sent again after a crash is recognisably
    # the same mail. The creation time keeps ids unique should a database be recreated.
    stamp = int(row.created_at.timestamp())
    mime.replace_header("Message-ID", f"<outbox.{row.id}.{stamp}@{domain}>")
    return mime


async def _send(mime: EmailMessage, settings: Settings) -> None:
    login = bool(settings.smtp_username)
    await aiosmtplib.send(
        mime,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username if login else None,
        password=str(settings.smtp_password) if login else None,
        use_tls=settings.smtp_tls is SmtpTls.TLS,
        # False, not None: None would let aiosmtplib upgrade whenever the server offers it.
        start_tls=settings.smtp_tls is SmtpTls.STARTTLS,
        timeout=SMTP_TIMEOUT,
        local_hostname=urlsplit(settings.base_url).hostname or None,
    )


async def _record_failure(
    sessions: async_sessionmaker[AsyncSession],
    row: OutboxMessage,
    reason: str,
    at: datetime,
    *,
    final: bool,
) -> None:
    assert row.id is not None
    if final or row.attempts >= MAX_ATTEMPTS:
        await _finish(
            sessions, row, status=OutboxStatus.FAILED, claimed_until=None, last_error=reason
        )
        log.error("outbox: message %d failed after %d attempts: %s", row.id, row.attempts, reason)
        return
    retry_at = at + backoff(row.attempts)
    await _finish(
        sessions,
        row,
        status=OutboxStatus.PENDING,
        claimed_until=None,
        next_attempt_at=retry_at,
        last_error=reason,
    )
    log.warning(
        "outbox: attempt %d of message %d failed (%s); next at %s",
        row.attempts,
        row.id,
        reason,
        retry_at.isoformat(timespec="seconds"),
    )


async def _finish(
    sessions: async_sessionmaker[AsyncSession], row: OutboxMessage, **values: Any
) -> None:
    """Record an outcome, but only if the claim is still ours: the attempt count fences off a
    worker whose lease ran out and whose message another worker has claimed since."""
    async with transaction(sessions) as db:
        recorded = await db.scalar(
            sa.update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == row.id,
                col(OutboxMessage.status) == OutboxStatus.SENDING,
                col(OutboxMessage.attempts) == row.attempts,
            )
            .values(**values)
            .returning(col(OutboxMessage.id))
        )
    if recorded is None:
        log.warning("outbox: message %d was claimed again before its outcome was recorded", row.id)


def _permanent(exc: Exception) -> bool:
    """Whether retrying cannot help: the server refused the recipient for good (5xx)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(r.code >= 500 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPRecipientRefused) and exc.code >= 500


def _describe(exc: Exception, settings: Settings) -> str:
    """A short reason for the coordinator: the server's answer, never a credential."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        reason = f"SMTP {exc.code}: {exc.message}"
    elif isinstance(exc, TimeoutError):
        reason = f"no answer from the SMTP server within {SEND_DEADLINE:.0f} s"
    else:
        reason = str(exc) or type(exc).__name__
    password = str(settings.smtp_password)
    if password:
        reason = reason.replace(password, "***")
    reason = " ".join(reason.split())
    return reason if len(reason) <= _ERROR_MAX else reason[: _ERROR_MAX - 1] + "…"


def _message_id_domain(settings: Settings) -> str:
    address = email.utils.parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or urlsplit(settings.base_url).hostname or "localhost"
