"""What a coordinator will see: the newest message's delivery state per related object."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from partner_portal.mail.messages import Message
from partner_portal.mail.models import OutboxMessage, OutboxStatus
from partner_portal.mail.outbox import OutboxState, enqueue, latest_for
from partner_portal.platform import clock
from partner_portal.platform.db import transaction
from tests.queries import QueryCounter

Sessions = async_sessionmaker[AsyncSession]


def message(n: int) -> Message:
    return Message(f"person{n}@example.se", f"Inbjudan {n}", "Hej!\n", "<p>Hej!</p>")


async def test_latest_for_gives_the_newest_state_per_id_in_one_query(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    sent_at = clock.now()
    async with transaction(sessions) as db:
        first_try = enqueue(db, message(1), related=("invitation", 1))
        enqueue(db, message(2), related=("invitation", 2))
        enqueue(db, message(9), related=("organisation", 3))  # another kind, same id
        await db.flush()
        resent = enqueue(db, message(1), related=("invitation", 1))
        await db.flush()
    async with transaction(sessions) as db:
        await db.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id) == first_try.id)
            .values(status=OutboxStatus.FAILED, attempts=8, last_error="SMTP 550: no such user")
        )
        await db.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.related_id) == 2)
            .values(status=OutboxStatus.SENT, attempts=1, sent_at=sent_at)
        )

    async with sessions() as db:
        with QueryCounter(engine).counting(selects_only=True) as few:
            states = await latest_for(db, "invitation", [1, 2, 3])
        with QueryCounter(engine).counting(selects_only=True) as many:
            await latest_for(db, "invitation", list(range(1, 200)))

    assert len(few) == 1
    assert len(many) == 1
    assert set(states) == {1, 2}
    assert states[1] == OutboxState(
        message_id=resent.id or 0,
        status=OutboxStatus.PENDING,
        attempts=0,
        last_error=None,
        sent_at=None,
        created_at=states[1].created_at,
    )
    assert (states[2].status, states[2].attempts, states[2].sent_at) == (
        OutboxStatus.SENT,
        1,
        sent_at,
    )


async def test_latest_for_no_ids_asks_nothing(engine: AsyncEngine, sessions: Sessions) -> None:
    async with sessions() as db:
        with QueryCounter(engine).counting(selects_only=True) as statements:
            assert await latest_for(db, "invitation", []) == {}

    assert statements == []
