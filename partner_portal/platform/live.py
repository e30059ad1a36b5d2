"""Live events for the pages people are reading: a new comment reaches every open plan page.

One hub per process. A service announces an event inside its transaction, so nothing is sent
for a change that is rolled back:

* on PostgreSQL with ``pg_notify`` — PostgreSQL delivers it at commit to every process that
  listens (each hub keeps one asyncpg connection with ``LISTEN``), this process included;
* on SQLite (one process by design) the event is kept on the session and handed to this
  process's subscribers after the commit.

Events carry only ids; each page fetches what changed through routes that check access again.
The only module that talks to asyncpg directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

CHANNEL = "portal_live"
_QUEUE_SIZE = 100
_PENDING = "live_pending"
log = logging.getLogger(__name__)

# A subscriber's queue: event payloads (JSON text), or None when the stream must end.
Queue = asyncio.Queue[str | None]


class LiveUnavailable(Exception):
    """The database that carries live events between processes does not answer."""


class LiveHub:
    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._postgres_dsn = (
            url.set(drivername="postgresql").render_as_string(hide_password=False)
            if url.get_backend_name() == "postgresql"
            else None
        )
        self._subscribers: dict[str, set[Queue]] = {}
        self._connection: Any = None
        self._lock = asyncio.Lock()

    # --- announcing (inside the caller's transaction) --------------------------------------

    async def announce(self, db: AsyncSession, topic: str, data: dict[str, Any]) -> None:
        """Send ``data`` to the subscribers of ``topic`` in every process once ``db`` commits."""
        payload = json.dumps({"topic": topic, "data": data}, separators=(",", ":"))
        if self._postgres_dsn is not None:
            await db.execute(
                sa.text("SELECT pg_notify(:channel, :payload)"),
                {
                    "channel": CHANNEL,
                    "payload": payload,
                },
            )
            return
        await db.connection()  # the transaction whose commit or rollback decides
        pending: list[tuple[LiveHub, str, str]] = db.info.setdefault(_PENDING, [])
        pending.append((self, topic, payload))

    # --- receiving ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Queue]:
        """A queue of the topic's events for as long as the block runs."""
        await self.start()
        queue: Queue = asyncio.Queue(_QUEUE_SIZE)
        self._subscribers.setdefault(topic, set()).add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(topic, set())
            subscribers.discard(queue)
            if not subscribers:
                self._subscribers.pop(topic, None)

    async def start(self) -> None:
        """Listen (once per process), so that a stream opened now misses nothing. Raises
        ``LiveUnavailable`` when PostgreSQL cannot be reached."""
        if self._postgres_dsn is None or self._connection is not None:
            return
        async with self._lock:
            if self._connection is not None:
                return
            import asyncpg  # only on PostgreSQL: a SQLite process never loads it

            try:
                connection = await asyncpg.connect(self._postgres_dsn, timeout=10)
            except (OSError, TimeoutError, asyncpg.PostgresError) as error:
                raise LiveUnavailable() from error
            await connection.add_listener(CHANNEL, self._on_notification)
            connection.add_termination_listener(self._on_lost)
            self._connection = connection

    def _on_notification(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._deliver(payload)

    def _on_lost(self, _connection: Any) -> None:
        """The listening connection is gone: end every stream (browsers reconnect, and the
        next subscriber listens again)."""
        log.warning("live events: the listening connection to PostgreSQL was lost")
        self._connection = None
        for subscribers in self._subscribers.values():
            for queue in subscribers:
                _offer(queue, None)

    def _deliver(self, payload: str, topic: str | None = None) -> None:
        if topic is None:
            try:
                topic = str(json.loads(payload)["topic"])
            except (ValueError, KeyError, TypeError):
                return
        for queue in list(self._subscribers.get(topic, ())):
            _offer(queue, payload)

    def end_streams(self) -> None:
        """End every open stream now (the process is stopping: browsers reconnect elsewhere)."""
        for subscribers in self._subscribers.values():
            for queue in subscribers:
                _offer(queue, None)

    async def close(self) -> None:
        for subscribers in self._subscribers.values():
            for queue in subscribers:
                _offer(queue, None)
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


# On SQLite, what a session announced is delivered when it commits and forgotten when it rolls
# back: listeners on every session, once (a listener added to each session that announces cost
# more than the rest of the announcing).
@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if _PENDING in session.info:
        for hub, topic, payload in session.info.pop(_PENDING):
            hub._deliver(payload, topic)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _offer(queue: Queue, item: str | None) -> None:
    # A reader too slow to keep up with a hundred events loses the newest; its page still
    # shows everything on reload.
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(item)
