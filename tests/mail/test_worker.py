"""The background loop that `serve`, `dev` and `partner-portal worker` run delivers the outbox."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal import jobs
from partner_portal.app import create_app
from partner_portal.mail.messages import Message
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.mail.outbox import enqueue
from partner_portal.mail.sender import deliver_due
from partner_portal.platform.db import transaction
from partner_portal.platform.schedule import Done, Job, JobContext
from partner_portal.platform.settings import Settings
from tests.smtp import SmtpServer


async def test_the_in_process_worker_delivers_what_is_enqueued(
    mail_settings: Settings, smtp: SmtpServer
) -> None:
    app: Starlette = create_app(mail_settings, run_jobs=True)

    async with app.router.lifespan_context(app):
        async with transaction(app.state.portal.sessions) as db:
            enqueue(
                db,
                Message(
                    to="frg@botkyrka.example",
                    subject="Övning: elbrist i Tumba",
                    text="Hej!\nÖvningen börjar 09.00.\n",
                    html="<p>Hej!</p><p>Övningen börjar 09.00.</p>",
                ),
            )
        [mail] = await smtp.wait_for(1, seconds=10)

    assert mail.recipients == ("frg@botkyrka.example",)
    assert mail.subject == "Övning: elbrist i Tumba"
    assert "Övningen börjar 09.00." in mail.text


async def test_a_delivery_round_cancelled_at_any_moment_stops_and_records_what_it_sent(
    sessions: async_sessionmaker[AsyncSession], mail_settings: Settings, smtp: SmtpServer
) -> None:
    # Stopping `serve` cancels the worker. The round must stop even where aiosmtplib on Python
    # 3.11 swallows a cancellation, and what the server accepted must be recorded as sent, or
    # it would be sent again after the lease.
    for step in range(40):
        async with transaction(sessions) as db:
            enqueue(db, Message("frg@botkyrka.example", f"Test {step}", "Hej!\n", "<p>Hej!</p>"))
        delivery = asyncio.create_task(deliver_due(sessions, mail_settings))
        await asyncio.sleep(step * 0.0005)
        if delivery.cancel():
            with pytest.raises(asyncio.CancelledError):
                await delivery
        else:
            await delivery

        async with sessions() as db:
            sent = await db.scalar(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.status) == OutboxStatus.SENT)
            )
        assert sent == len(smtp.received)


async def test_worker_once_drains_the_outbox_and_runs_the_other_jobs_when_one_fails(
    sessions: async_sessionmaker[AsyncSession],
    mail_settings: Settings,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(db: AsyncSession, ctx: JobContext) -> Done:
        raise RuntimeError("the disk is full")

    schedule = list(jobs.SCHEDULE)
    schedule.insert(1, Job("broken", broken))  # between two that work
    monkeypatch.setattr(jobs, "SCHEDULE", tuple(schedule))
    waiting = jobs.OUTBOX_BATCH + 3  # more than one batch: `--once` leaves none of it behind
    async with transaction(sessions) as db:
        for step in range(waiting):
            enqueue(db, Message("frg@botkyrka.example", f"Test {step}", "Hej!\n", "<p>Hej!</p>"))

    done = await jobs.run_once(sessions, mail_settings)

    again = await jobs.run_once(sessions, mail_settings)

    assert done.failed == ("broken",)
    assert done.delivered == waiting
    assert len(await smtp.wait_for(waiting)) == waiting
    assert len(done.lines) == len(jobs.SCHEDULE) - 1 - 1  # the broken one, and one with no line
    assert "reminders: 0 meeting(s), 0 late minutes, 0 overdue action(s)" in done.lines
    assert again.failed == ("broken",)
    assert again.delivered == 0
