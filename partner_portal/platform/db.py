"""The database: engine, sessions, SQLite pragmas and the column types every model shares."""

from __future__ import annotations

import enum
import logging
import traceback
import warnings
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlmodel import SQLModel

from partner_portal.platform import direct, sqlite_driver

# Stable constraint names, so migrations can refer to them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 5000


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column_type(enum_cls: type[enum.StrEnum]) -> sa.Enum:
    """Store a StrEnum by value in a plain VARCHAR: no native enum types to migrate."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


# SQLAlchemy's default for an aiosqlite file is no pool at all: every request opened a
# connection, started a thread for it and set the pragmas again. A few pooled connections
# serve as many requests as more would (one writer at a time; each connection is a thread with
# its own page cache). Requests beyond them wait for one (then 503, never a 500).
SQLITE_POOL_SIZE = 4


def _sqlite_pool(database_url: str) -> dict[str, Any]:
    if ":memory:" in database_url or "mode=memory" in database_url:
        return {}  # SQLAlchemy keeps one connection for an in-memory database
    return {"poolclass": AsyncAdaptedQueuePool, "pool_size": SQLITE_POOL_SIZE, "max_overflow": 0}


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url,
            module=sqlite_driver.dbapi(),
            # check_same_thread: short reads run in the event loop's thread (sqlite_driver),
            # one statement at a time per connection as ever.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **(kwargs if "poolclass" in kwargs else _sqlite_pool(database_url) | kwargs),
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        event.listen(engine.sync_engine, "before_cursor_execute", _sqlite_on_statement)
        event.listen(engine.sync_engine, "commit", _sqlite_on_commit)
        return engine
    # PostgreSQL: SQLAlchemy's 5 pooled connections and no overflow. One process is one thread:
    # more connections did not serve more requests (bench.pages), each held its own prepared
    # statements and buffers (RSS 121 -> 119 MiB after 16,000 requests), and each is a backend
    # on the server. Requests beyond them wait for one (then 503, never a 500).
    pool = kwargs if "poolclass" in kwargs else {"max_overflow": 0} | kwargs
    return create_async_engine(database_url, pool_pre_ping=True, **pool)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's documented recipe: pysqlite's own transaction handling skips BEGIN before
    # SELECT and breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not just unlinked: personal data a person had
    # removed must not linger in free pages (see forget_deleted for the write-ahead log).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


_forgetting = {"unfinished": False}  # a checkpoint after a deletion could not finish


async def forget_deleted(db: AsyncSession) -> bool:
    """After personal data was deleted and committed: on SQLite, copy the write-ahead log into
    the database file and empty it (``wal_checkpoint(TRUNCATE)``), so the old versions of the
    pages it still held are gone too (secure_delete has zeroed the rows in the new ones).
    Waits for readers up to the busy timeout; if one still holds the log, the housekeeping job
    tries again (retry_forget). Returns whether the log was emptied (always True on
    PostgreSQL: what VACUUM does there is in the README)."""
    if db.get_bind().dialect.name != "sqlite":
        return True
    if db.in_transaction():
        await db.commit()
    busy = await db.run_sync(_checkpoint)
    _forgetting["unfinished"] = bool(busy)
    if busy:
        logging.getLogger("partner_portal.platform.db").warning(
            "the write-ahead log could not be emptied after a deletion (a reader held it); "
            "housekeeping tries again"
        )
    return not busy


async def retry_forget(db: AsyncSession) -> None:
    """forget_deleted again, if its last try in this process could not finish."""
    if _forgetting["unfinished"]:
        await forget_deleted(db)


def _checkpoint(session: Session) -> int:
    # On a connection of its own, through the driver: no transaction may be open around it.
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    pooled = engine.raw_connection()
    try:
        cursor = pooled.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row: Any = cursor.fetchone()
        busy = int(row[0])
        cursor.close()
    finally:
        pooled.close()
    return busy


def _sqlite_on_begin(conn: sa.Connection) -> None:
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, waiting up to
    # busy_timeout for it. A deferred transaction that reads and then writes cannot wait: if
    # another connection wrote in between, its snapshot is stale and SQLite answers "database
    # is locked" at once. So a transaction that may write begins IMMEDIATE (the default).
    # A request's transaction that only reads begins no transaction at all: each statement
    # reads a snapshot of its own, as every statement does under PostgreSQL's READ COMMITTED,
    # takes no lock and runs beside the writer, as WAL allows — and the request saves a round
    # trip. A request's transactions are chosen by its RequestTransactions; other code may
    # set the execution option ``sqlite_begin``.
    options = conn.get_execution_options()
    state: RequestTransactions | None = options.get(_REQUEST)
    if state is not None:
        state.wrote = False
        if not state.write:
            return
        mode = "IMMEDIATE"
    else:
        mode = options.get("sqlite_begin", "IMMEDIATE")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"sqlite_begin must be DEFERRED or IMMEDIATE, not {mode!r}")
    direct.execute_sync(conn, f"BEGIN {mode}")  # not SQLAlchemy's execution: see direct


def _sqlite_on_statement(conn: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    state: RequestTransactions | None = conn.get_execution_options().get(_REQUEST)
    if state is None:
        return
    verb = statement.lstrip()[:7].upper()
    if verb.startswith(_WRITES):
        if not state.write:
            warnings.warn(
                "a write in a transaction that only reads (on SQLite it commits by itself and "
                f"cannot be rolled back; begin_write first): {statement[:80]}",
                WriteAfterRead,
                stacklevel=2,
            )
        state.wrote = True


def _sqlite_on_commit(conn: sa.Connection) -> None:
    state: RequestTransactions | None = conn.get_execution_options().get(_REQUEST)
    if state is not None and state.wrote and state.read_after_write:
        state.write = False


_REQUEST = "portal_request_transactions"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteAfterRead(UserWarning):
    """A request's transaction that only reads wrote: on SQLite that write is not atomic."""


@dataclass(slots=True)
class RequestTransactions:
    """How one request's transactions begin (the session carries it to its connections as an
    execution option). On PostgreSQL it decides only whether a read begins a transaction: a
    request's reads before it may write begin none (platform.direct).

    A GET only reads: it begins no transaction on SQLite, so it takes no lock. A POST's
    transactions may write, holding the lock from their first statement, until the first that
    wrote commits: what the request then reads to render its answer takes no lock.
    :func:`begin_write` asks for a writing transaction where a request that reads must write
    after all (an audited download)."""

    write: bool
    read_after_write: bool = True
    wrote: bool = False  # in the transaction in progress


def request_session_options(*, write: bool) -> dict[str, Any]:
    """The execution options of a request's session (see RequestTransactions)."""
    return {_REQUEST: RequestTransactions(write=write)}


def _state(db: AsyncSession) -> RequestTransactions | None:
    state: RequestTransactions | None = db.sync_session.execution_options.get(_REQUEST)
    return state


async def begin_write(db: AsyncSession) -> None:
    """End the read in progress (if any): the next transaction may write (on SQLite: it holds
    the write lock from its first statement, waiting for it if need be)."""
    if db.in_transaction():
        await db.commit()
    db.info[MAY_HAVE_WRITTEN] = True
    if (state := _state(db)) is not None:
        state.write = True


async def write_here(db: AsyncSession) -> None:
    """The read in progress becomes a transaction that may write, on the connection it holds,
    for a request whose body has been read already (nothing waits for the sender while it is
    held): the connection is neither given back to the pool nor taken again. On SQLite,
    ``BEGIN IMMEDIATE`` on that connection, where the read began no transaction; on PostgreSQL
    the read's transaction goes on (READ COMMITTED: each statement reads what is committed).
    Without a read in progress, :func:`begin_write`."""
    state = _state(db)
    if state is None or state.write or not db.in_transaction():
        await begin_write(db)
        return
    db.info[MAY_HAVE_WRITTEN] = True
    state.write = True
    state.wrote = False
    connection = await db.connection()
    if connection.dialect.name == "sqlite":
        await direct.execute(connection, "BEGIN IMMEDIATE")


async def read(
    db: AsyncSession, statement: Any, parameters: Mapping[str, Any] | None = None
) -> Sequence[Any]:
    """A built-once statement's rows, run on the session's connection as Core: the ORM
    session's way (autoflush, the ORM's result set-up for column rows) cost a page's small
    reads more than running them (measured: 0.34 -> 0.25 ms for a plan's section and its
    comments). For reads that need nothing pending in the session flushed first — a request's
    loaders and a page's queries, at its start.

    A ``SELECT`` runs straight on the driver, compiled once (platform.direct): SQLAlchemy's
    execution around it cost more than the statement (80 µs of a page's small read on SQLite)."""
    return await _direct(db, statement, parameters)


async def write(db: AsyncSession, statement: Any, parameters: Mapping[str, Any]) -> Sequence[Any]:
    """A built-once ``INSERT`` of one row, every value given, in the session's transaction; its
    ``RETURNING`` rows (none without). Straight on the driver, as :func:`read` reads."""
    return await _direct(db, statement, parameters)


async def _direct(
    db: AsyncSession, statement: Any, parameters: Mapping[str, Any] | None
) -> Sequence[Any]:
    connection = await db.connection()
    state = _state(db)
    found = await direct.rows(
        connection, statement, parameters, outside_transaction=state is not None and not state.write
    )
    if found is not None:
        return found
    return (await connection.execute(statement, parameters)).all()


# In a session's ``info``: begin_write was called, so the request may have written something
# (and must not be run again blindly).
MAY_HAVE_WRITTEN = "portal_may_have_written"

# The driver's names for "the connection is gone or cannot be had" (asyncpg's, as SQLAlchemy
# passes them on; InternalClientError is a rollback on a connection cut mid-statement).
_CONNECTION_ERRORS = frozenset(
    {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "CannotConnectNowError",
        "TooManyConnectionsError",
        "AdminShutdownError",
        "InterfaceError",
        "InternalClientError",
    }
)


class ConnectionLost(Exception):
    """The database connection went away where SQLAlchemy does not wrap the driver's error in
    a DBAPIError (see ``connection_lost``): handled as the DBAPIError would be (a 503)."""


def connection_lost(exc: BaseException) -> bool:
    """Whether a database error means the connection went away (a restart, a failover, a
    terminated backend, a network blip): the statement never ran to the end, and the same work
    on a fresh connection may well succeed."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return _lost_while_connecting(exc)
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, OSError):
        return True
    return any(type(cause).__name__ in _CONNECTION_ERRORS for cause in _causes(orig))


def _lost_while_connecting(exc: BaseException) -> bool:
    """The driver's own error, unwrapped, raised while the pool made a new connection: a server
    that is restarting refuses it (OSError), or the backend is cut before SQLAlchemy has set
    the connection up (asyncpg's InterfaceError "connection is closed", raised from the
    dialect's on-connect hook, which SQLAlchemy passes on as it is)."""
    if not isinstance(exc, OSError | TimeoutError) and not (
        type(exc).__module__.startswith("asyncpg") and type(exc).__name__ in _CONNECTION_ERRORS
    ):
        return False
    return any(
        str(frame.f_globals.get("__name__", "")).startswith("sqlalchemy.pool")
        for frame, _line in traceback.walk_tb(exc.__traceback__)
    )


def _causes(exc: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while exc is not None and len(found) < 5:
        found.append(exc)
        exc = exc.__cause__ or exc.__context__
    return found


@asynccontextmanager
async def writing(db: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A short write in a request that reads: ends the read, writes in a transaction of its own
    (committed at the end of the block, rolled back on error), then ``db`` reads as before."""
    state = _state(db)
    before = state.write if state is not None else True
    await begin_write(db)
    try:
        yield db
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    finally:
        if state is not None:
            state.write = before


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    async with sessions() as db, db.begin():
        yield db
