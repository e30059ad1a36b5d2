"""The outbox delivers over real SMTP: at least once, with retries, never lost.

Time is driven through ``now``; nothing here sleeps while waiting for a retry.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import jinja2
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.util import await_

from partner_portal.mail.messages import Message, build
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.mail.outbox import UNUSABLE_ADDRESS, enqueue
from partner_portal.mail.sender import LEASE, MAX_ATTEMPTS, backoff, claim_due, deliver_due
from partner_portal.platform import clock
from partner_portal.platform.db import transaction
from partner_portal.platform.settings import Settings
from tests.conftest import DATABASES
from tests.mail.conftest import SENDER
from tests.smtp import SmtpServer

Sessions = async_sessionmaker[AsyncSession]


def message(to: str = "asa.oberg@botkyrkabyggen.example", n: int = 1) -> Message:
    return Message(
        to=to,
        subject=f"Inbjudan {n} till Södertörns brandförsvarsförbund",
        text=f"Hej Åsa Öberg!\nNödvattenplan {n}: välkommen.\n",
        html=f"<p>Hej Åsa Öberg!</p><p>Nödvattenplan {n}: välkommen.</p>",
    )


async def enqueued(sessions: Sessions, *messages: Message) -> list[int]:
    async with transaction(sessions) as db:
        rows = [enqueue(db, m) for m in messages]
        await db.flush()
    return [r.id for r in rows if r.id is not None]


async def load(sessions: Sessions, message_id: int) -> OutboxMessage:
    async with sessions() as db:
        row = await db.get(OutboxMessage, message_id)
    assert row is not None
    return row


async def test_a_committed_message_is_delivered_with_both_parts(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer, email_env: jinja2.Environment
) -> None:
    built = build(
        email_env,
        "welcome",
        "erik.oberg@botkyrkabyggen.example",
        {"name": "Erik Öberg", "organisation": "AB Botkyrkabyggen", "link": "https://x.example/"},
    )
    [message_id] = await enqueued(sessions, built)

    assert await deliver_due(sessions, mail_settings) == 1

    [mail] = await smtp.wait_for(1)
    assert mail.recipients == ("erik.oberg@botkyrkabyggen.example",)
    assert mail.mail_from == "noreply@botkyrka.example"
    assert mail.message["From"] == SENDER
    assert mail.message["To"] == "erik.oberg@botkyrkabyggen.example"
    assert mail.subject == "Välkommen till AB Botkyrkabyggen"
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Hej Erik Öberg!" in mail.text
    assert "<p>Hej Erik Öberg!</p>" in mail.html
    assert mail.message["Message-ID"].startswith(f"<outbox.{message_id}.")
    row = await load(sessions, message_id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)
    assert row.sent_at is not None
    assert row.claimed_until is None
    assert await deliver_due(sessions, mail_settings) == 0
    assert len(smtp.received) == 1


async def test_smtp_down_then_back_delivers_after_the_backoff(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await enqueued(sessions, message())
    smtp.stop()
    t0 = clock.now()

    assert await deliver_due(sessions, mail_settings, now=t0) == 0

    row = await load(sessions, message_id)
    assert (row.status, row.attempts, row.claimed_until) == (OutboxStatus.PENDING, 1, None)
    assert row.last_error
    assert "Connect" in row.last_error
    assert row.next_attempt_at == t0 + backoff(1)

    smtp.start()
    # Back, but the message is not due yet: nothing is sent early.
    assert await deliver_due(sessions, mail_settings, now=t0 + backoff(1) / 2) == 0
    assert smtp.received == []

    assert await deliver_due(sessions, mail_settings, now=t0 + backoff(1)) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.subject == "Inbjudan 1 till Södertörns brandförsvarsförbund"
    row = await load(sessions, message_id)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, None)


def test_backoff_doubles_and_is_capped() -> None:
    waits = [backoff(n) for n in range(1, MAX_ATTEMPTS)]

    assert all(b == 2 * a for a, b in itertools.pairwise(waits))
    assert backoff(40) == timedelta(hours=6)


async def test_after_the_last_attempt_the_message_fails_with_the_reason(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await enqueued(sessions, message())
    smtp.stop()
    now = clock.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver_due(sessions, mail_settings, now=now) == 0
        row = await load(sessions, message_id)
        assert row.attempts == attempt
        now = row.next_attempt_at

    row = await load(sessions, message_id)
    assert row.status is OutboxStatus.FAILED
    assert row.last_error is not None
    assert str(mail_settings.smtp_port) in row.last_error
    smtp.start()
    assert await deliver_due(sessions, mail_settings, now=now + timedelta(days=30)) == 0
    assert smtp.received == []


async def test_a_refused_recipient_fails_at_once_and_the_others_still_go(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    smtp.refuse.add("nobody@botkyrka.example")
    refused, accepted = await enqueued(
        sessions, message("nobody@botkyrka.example", 1), message(n=2)
    )

    assert await deliver_due(sessions, mail_settings) == 1

    [mail] = await smtp.wait_for(1)
    assert mail.subject == "Inbjudan 2 till Södertörns brandförsvarsförbund"
    row = await load(sessions, refused)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert row.last_error is not None
    assert row.last_error.startswith("SMTP 550")
    assert (await load(sessions, accepted)).status is OutboxStatus.SENT


async def test_a_message_claimed_by_a_crashed_worker_is_claimed_again_after_the_lease(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    [message_id] = await enqueued(sessions, message())
    t0 = clock.now()
    async with sessions() as db:
        assert await claim_due(db, now=t0) == [message_id]
    # ... and the worker dies here, before sending.

    assert await deliver_due(sessions, mail_settings, now=t0 + LEASE / 2) == 0
    assert smtp.received == []
    assert (await load(sessions, message_id)).status is OutboxStatus.SENDING

    assert await deliver_due(sessions, mail_settings, now=t0 + LEASE + timedelta(seconds=1)) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == ("asa.oberg@botkyrkabyggen.example",)
    row = await load(sessions, message_id)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


async def test_a_message_whose_every_attempt_was_interrupted_fails(sessions: Sessions) -> None:
    [message_id] = await enqueued(sessions, message())
    now = clock.now()
    for _ in range(MAX_ATTEMPTS):
        async with sessions() as db:
            assert await claim_due(db, now=now) == [message_id]
        now += LEASE + timedelta(seconds=1)

    async with sessions() as db:
        assert await claim_due(db, now=now) == []

    row = await load(sessions, message_id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert row.last_error is not None
    assert "interrupted" in row.last_error


async def test_an_enqueue_in_a_rolled_back_transaction_sends_nothing(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    class Refused(Exception):
        pass

    async def change_that_fails_after_enqueueing() -> None:
        async with transaction(sessions) as db:
            enqueue(db, message())
            await db.flush()
            raise Refused

    with pytest.raises(Refused):
        await change_that_fails_after_enqueueing()
    async with sessions() as db:
        enqueue(db, message(n=2))
        await db.rollback()

    assert await deliver_due(sessions, mail_settings) == 0
    async with sessions() as db:
        assert await db.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert smtp.received == []


async def test_an_address_that_could_never_be_sent_to_is_recorded_as_failed_not_raised(
    sessions: Sessions, mail_settings: Settings, smtp: SmtpServer
) -> None:
    bad = ("", "erik", "no-at-sign", "a@example.se\r\nBcc: all@example.se", "a" * 320 + "@x.se")

    ids = await enqueued(sessions, *(message(to=b) for b in bad), message(n=2))

    assert await deliver_due(sessions, mail_settings) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == ("asa.oberg@botkyrkabyggen.example",)
    rows = [await load(sessions, i) for i in ids[:-1]]
    assert {r.status for r in rows} == {OutboxStatus.FAILED}
    assert {r.last_error for r in rows} == {UNUSABLE_ADDRESS}
    assert [r.to_address for r in rows][1] == "erik"
    assert all("\n" not in r.to_address and len(r.to_address) <= 320 for r in rows)


async def test_a_subject_too_long_for_its_column_is_shortened(sessions: Sessions) -> None:
    async with transaction(sessions) as db:
        row = enqueue(db, Message("a@example.se", "Ö" * 400, "text", "<p>html</p>"))
    assert row.id is not None
    stored = await load(sessions, row.id)
    assert len(stored.subject) == 300
    assert stored.subject.endswith("Ö…")


POSTGRESQL = [d for d in DATABASES if d == "postgresql"]


@pytest.mark.parametrize("database_kind", POSTGRESQL)
async def test_two_workers_on_postgresql_never_claim_the_same_message(
    sessions: Sessions,
) -> None:
    ids = await enqueued(sessions, *(message(n=n) for n in range(10)))
    now = clock.now()
    first_has_claimed = asyncio.Event()
    release_first = asyncio.Event()

    def hold_the_transaction_open(_session: object) -> None:
        # Runs inside the first claim's COMMIT: its rows stay locked until released.
        first_has_claimed.set()
        await_(release_first.wait())

    async with sessions() as first, sessions() as second:
        event.listen(first.sync_session, "before_commit", hold_the_transaction_open)
        first_claim = asyncio.create_task(claim_due(first, now=now, limit=4))
        try:
            await asyncio.wait_for(first_has_claimed.wait(), timeout=10)
            # Waiting on the first worker's locks instead of skipping them would time out here.
            second_ids = await asyncio.wait_for(claim_due(second, now=now, limit=20), timeout=10)
        finally:
            release_first.set()
        first_ids = await first_claim

    assert len(first_ids) == 4
    assert set(first_ids).isdisjoint(second_ids)
    assert sorted(first_ids + second_ids) == ids
    async with sessions() as db:
        assert await claim_due(db, now=now) == []
