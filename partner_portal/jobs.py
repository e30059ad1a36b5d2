"""Background work: run in-process by `serve`/`dev`, or on its own by `partner-portal worker`.

The one list of periodic jobs (:data:`SCHEDULE`): each feature declares its own in its
``jobs.py`` (partner_portal/platform/schedule.py says what a job is), and a new one is one
line here.
The outbox is not in the list: it runs every few seconds, the list every few minutes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, partial
from typing import TypeVar

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal.attachments import jobs as attachments
from partner_portal.auth import jobs as identity
from partner_portal.contacts import jobs as contacts
from partner_portal.digests import jobs as digests
from partner_portal.followthrough import jobs as followthrough
from partner_portal.forums import jobs as forums
from partner_portal.frg import jobs as frg
from partner_portal.mail import sender
from partner_portal.meetings import jobs as meetings
from partner_portal.platform import clock
from partner_portal.platform.db import retry_forget
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.schedule import Done, Job, JobContext
from partner_portal.platform.settings import Settings
from partner_portal.platform.templating import create_environment

log = logging.getLogger(__name__)
T = TypeVar("T")

HOUSEKEEPING_INTERVAL = timedelta(minutes=5)
OUTBOX_INTERVAL = timedelta(seconds=2)
OUTBOX_BATCH = 20


async def _finish_forgetting(db: AsyncSession, ctx: JobContext) -> Done:
    """Finish emptying SQLite's write-ahead log after a deletion a reader held up (see
    partner_portal.platform.db): what was deleted is then gone from the disk too."""
    await retry_forget(db)
    return Done(0)


FINISH_FORGETTING = Job("finish-forgetting", _finish_forgetting)

# Every periodic job, in the order a round runs them (housekeeping first, then what mails).
HOUSEKEEPING: tuple[Job, ...] = (
    identity.ENDED_LOGINS,
    attachments.ABANDONED_UPLOADS,
    FINISH_FORGETTING,
    frg.AVAILABILITY_REQUESTS,
)
SCHEDULE: tuple[Job, ...] = (
    *HOUSEKEEPING,
    meetings.REMINDERS,
    followthrough.DEADLINE_REMINDERS,
    digests.DIGESTS,
    forums.REVISION_REMINDERS,
    contacts.CONFIRMATION_REQUESTS,
)


@cache
def _mail_templates() -> Environment:
    return create_environment(resource_dir("templates"))


def context(settings: Settings) -> JobContext:
    return JobContext(settings=settings, mail=_mail_templates(), now=clock.now())


async def run_job(job: Job, db: AsyncSession, settings: Settings) -> Done:
    done = await job.run(db, context(settings))
    if done.count:
        log.info("%s: %s", job.name, done.line or done.count)
    return done


async def housekeeping(db: AsyncSession, settings: Settings) -> None:
    """The housekeeping jobs, one after the other in ``db`` (tests and the development server
    ask for a round at once)."""
    for job in HOUSEKEEPING:
        await run_job(job, db, settings)


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

    lines: tuple[str, ...] = ()  # each job's line, in the schedule's order
    delivered: int = 0
    failed: tuple[str, ...] = ()  # the jobs that raised (each logged with its traceback)


async def run_once(sessions_factory: async_sessionmaker[AsyncSession], settings: Settings) -> Once:
    """Every job of the schedule once, at the clock's current instant (``partner-portal worker
    --once``), then the outbox until nothing due is left, so that what the jobs queued goes out
    in the same run. Each job is independent: one that fails is logged and the others still
    run. Returns what was done and which jobs failed."""
    failed: list[str] = []
    lines: list[str] = []

    async def attempt(name: str, job: Callable[[], Awaitable[T]], otherwise: T) -> T:
        try:
            return await job()
        except Exception:
            log.exception("%s failed", name)
            failed.append(name)
            return otherwise

    async def one(job: Job) -> Done:
        async with sessions_factory() as db:
            return await run_job(job, db, settings)

    for job in SCHEDULE:
        done = await attempt(job.name, partial(one, job), Done(0))
        if done.line:
            lines.append(done.line)
    delivered = await attempt("outbox", lambda: deliver_all_due(sessions_factory, settings), 0)
    return Once(tuple(lines), delivered, tuple(failed))


async def run_forever(
    sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The worker loop: the outbox every few seconds, the schedule every few minutes.

    Each runs on its own timer, so a slow job never holds mail back; each job of a round runs
    in its own session, and one that fails is logged and tried again next round while the
    others go on.
    """

    failures = _Failures()

    async def schedule_round() -> None:
        for job in SCHEDULE:
            await failures.attempt(
                job.name, partial(_run_in_session, job, sessions_factory, settings)
            )

    async with asyncio.TaskGroup() as group:
        group.create_task(_every(HOUSEKEEPING_INTERVAL, "housekeeping", schedule_round))
        group.create_task(
            _every(OUTBOX_INTERVAL, "outbox", lambda: deliver_outbox(sessions_factory, settings))
        )


async def _run_in_session(
    job: Job, sessions_factory: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessions_factory() as db:
        await run_job(job, db, settings)


class _Failures:
    """What keeps failing (every few seconds while, say, the database is down) is logged with
    its whole traceback once, then one line a round until it works again."""

    def __init__(self) -> None:
        self._failing: set[str] = set()

    async def attempt(self, name: str, job: Callable[[], Awaitable[None]]) -> None:
        try:
            await job()
        except Exception:
            if name in self._failing:
                log.warning("%s failed again; trying again next round", name)
            else:
                log.exception("%s failed; trying again next round", name)
            self._failing.add(name)
        else:
            if name in self._failing:
                log.info("%s works again", name)
            self._failing.discard(name)
        _honour_cancellation()


async def _every(interval: timedelta, name: str, job: Callable[[], Awaitable[None]]) -> None:
    failures = _Failures()
    while True:
        await failures.attempt(name, job)
        await asyncio.sleep(interval.total_seconds())


def _honour_cancellation() -> None:
    """Raise ``CancelledError`` if this task was cancelled but the cancellation got lost.

    Python 3.11's ``asyncio.wait_for`` (inside aiosmtplib and asyncpg) drops a cancellation that
    arrives just as the awaited operation completes; the loop would then never stop.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
