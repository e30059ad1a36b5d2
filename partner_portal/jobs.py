"""Background work: run in-process by `serve`/`dev`, or on its own by `partner-portal worker`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TypeVar

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from partner_portal import clock
from partner_portal.attachments.reconcile import reconcile
from partner_portal.attachments.storage import sweep_abandoned
from partner_portal.auth import sessions
from partner_portal.auth.models import LoginAttempt
from partner_portal.auth.service import LOGIN_ATTEMPT_MAX_AGE
from partner_portal.db import retry_forget
from partner_portal.frg import availability as frg_availability
from partner_portal.mail import sender
from partner_portal.meetings import reminders
from partner_portal.resources import resource_dir
from partner_portal.settings import Settings
from partner_portal.templating import create_environment

log = logging.getLogger(__name__)
T = TypeVar("T")

HOUSEKEEPING_INTERVAL = timedelta(minutes=5)
ABANDONED_UPLOAD_AGE = timedelta(hours=1)
OUTBOX_INTERVAL = timedelta(seconds=2)
OUTBOX_BATCH = 20


async def housekeeping(db: AsyncSession, settings: Settings) -> int:
    """Delete expired login sessions and abandoned login attempts, and upload directories and
    stored files a killed process left behind (reporting attachments whose file is missing);
    finish emptying SQLite's write-ahead log after a deletion if a reader held it up; ask FRG
    volunteers whose availability is due to confirm it (partner_portal.frg.availability).
    Commits. Returns how many volunteers were asked."""
    ended = await sessions.purge_expired(db, settings)
    cutoff = clock.now() - LOGIN_ATTEMPT_MAX_AGE
    await db.execute(sa.delete(LoginAttempt).where(col(LoginAttempt.created_at) < cutoff))
    await db.commit()
    if ended:
        log.info("housekeeping: ended %d expired sessions", ended)
    swept = await asyncio.to_thread(
        sweep_abandoned, settings.data_dir, ABANDONED_UPLOAD_AGE.total_seconds()
    )
    if swept:
        log.info("housekeeping: removed %d abandoned upload directories", swept)
    await reconcile(db, settings.data_dir, older_than_seconds=ABANDONED_UPLOAD_AGE.total_seconds())
    await db.commit()
    await retry_forget(db)  # a deletion's checkpoint a reader held up (see partner_portal.db)
    asked = await frg_availability.send_availability_mails(
        db, settings=settings, env=_mail_templates()
    )
    if asked:
        log.info("housekeeping: asked %d FRG volunteers to confirm their availability", asked)
    return asked


@cache
def _mail_templates() -> Environment:
    return create_environment(resource_dir("templates"))


async def send_reminders(
    db: AsyncSession, settings: Settings, *, now: datetime | None = None
) -> reminders.Sent:
    """Meeting, minutes and overdue-action reminders that are due, each sent once."""
    sent = await reminders.send_due(
        db, settings=settings, env=_mail_templates(), now=now or clock.now()
    )
    if sent != reminders.Sent():
        log.info("reminders: %s", sent)
    return sent


async def deliver_outbox(
    sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Send every email that is due (see :func:`partner_portal.mail.sender.deliver_due`)."""
    # A full batch sent means more may be waiting: go on at once rather than a round later.
    while await sender.deliver_due(sessions_factory, settings, limit=OUTBOX_BATCH) == OUTBOX_BATCH:
        pass


async def deliver_all_due(
    sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> int:
    """Send every email that is due now, batch after batch, until a batch sends nothing: all
    is sent, or the SMTP server took none of a batch (down, or refusing), and what is left
    waits for its retry or the next run. Returns how many were sent."""
    total = 0
    while sent := await sender.deliver_due(sessions_factory, settings, limit=OUTBOX_BATCH):
        total += sent
    return total


@dataclass(frozen=True, slots=True)
class Once:
    """What :func:`run_once` did."""

    availability_asked: int = 0
    reminders: reminders.Sent = field(default_factory=reminders.Sent)
    delivered: int = 0
    failed: tuple[str, ...] = ()  # the jobs that raised (each logged with its traceback)


async def run_once(sessions_factory: async_sessionmaker[AsyncSession], settings: Settings) -> Once:
    """Every job once, at the clock's current instant (``partner-portal worker --once``):
    housekeeping (which also queues the FRG availability mails that are due), the reminders
    that are due, then the outbox until nothing due is left, so that what the first two
    queued goes out in the same run. Each job is independent: one that fails is logged and the
    others still run. Returns what was done and which jobs failed."""
    failed: list[str] = []

    async def attempt(name: str, job: Callable[[], Awaitable[T]], otherwise: T) -> T:
        try:
            return await job()
        except Exception:
            log.exception("%s failed", name)
            failed.append(name)
            return otherwise

    async def housekeeping_job() -> int:
        async with sessions_factory() as db:
            return await housekeeping(db, settings)

    async def reminders_job() -> reminders.Sent:
        async with sessions_factory() as db:
            return await send_reminders(db, settings)

    asked = await attempt("housekeeping", housekeeping_job, 0)
    sent = await attempt("reminders", reminders_job, reminders.Sent())
    delivered = await attempt("outbox", lambda: deliver_all_due(sessions_factory, settings), 0)
    return Once(asked, sent, delivered, tuple(failed))


async def run_forever(
    sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The worker loop: the outbox every few seconds, housekeeping every few minutes.

    Each job runs on its own schedule, so slow housekeeping never holds mail back. Each round is
    independent: a failed round is logged and retried next time. A job added here belongs in
    :func:`run_once` too (``worker --once``, and exercises with PORTAL_NOW, rely on it).
    """

    async def housekeeping_round() -> None:
        async with sessions_factory() as db:
            await housekeeping(db, settings)
        async with sessions_factory() as db:
            await send_reminders(db, settings)

    async with asyncio.TaskGroup() as group:
        group.create_task(_every(HOUSEKEEPING_INTERVAL, "housekeeping", housekeeping_round))
        group.create_task(
            _every(OUTBOX_INTERVAL, "outbox", lambda: deliver_outbox(sessions_factory, settings))
        )


async def _every(interval: timedelta, name: str, job: Callable[[], Awaitable[None]]) -> None:
    failing = False
    while True:
        try:
            await job()
        except Exception:
            # Every few seconds while, say, the database is down: the whole traceback once,
            # then one line a round until the job works again.
            if failing:
                log.warning("%s round failed again; trying again next round", name)
            else:
                log.exception("%s round failed; trying again next round", name)
            failing = True
        else:
            if failing:
                log.info("%s works again", name)
            failing = False
        _honour_cancellation()
        await asyncio.sleep(interval.total_seconds())


def _honour_cancellation() -> None:
    """Raise ``CancelledError`` if this task was cancelled but the cancellation got lost.

    Python 3.11's ``asyncio.wait_for`` (inside aiosmtplib and asyncpg) drops a cancellation that
    arrives just as the awaited operation completes; the loop would then never stop.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
