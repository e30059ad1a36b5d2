"""aiosqlite under SQLAlchemy: a short read runs at once, anything else in one thread hop.
The only module that reaches into either library's adapter.

aiosqlite runs each SQLite connection in a thread of its own and hands it one call at a time.
SQLAlchemy's adapter makes four such calls for every statement — open a cursor, execute,
fetch the rows, close the cursor — each a wait for the thread and a wake-up of the event loop,
which cost more than the statement itself on the small reads a page makes. Here a statement is
one call: the thread opens the cursor, executes, fetches every row and closes the cursor, and
hands back the rows with the cursor's description, row count and last row id, and whether a
transaction is open — so that ending a request that began none costs no call either.

A ``SELECT`` is first run in the event loop's own thread, with a budget of SQLite's virtual
machine steps (a progress handler): a page's reads take a few thousand steps, microseconds,
less than the hop to a thread. The hop costs more than its wake-ups under load: the sqlite3
module lets go of the GIL for every row it steps to, and while the event loop is busy the
connection's thread then waits for it again row by row (measured with 32 requests in flight:
a quarter more CPU per page, and the connections held that much longer). A read that runs
over its budget is stopped by SQLite (an interrupted ``SELECT`` changes nothing, and leaves an
open transaction as it was) and runs again in the thread, so a report over a million rows
never holds up the loop for more than the budget. Nor does a read wait for a lock in the loop:
there its busy timeout is nothing, and a read that finds the database locked (in WAL mode only
in rare moments, such as another process's recovery of the log) runs again in the thread, which
waits as long as the busy timeout allows.

A transaction that writes begins ``BEGIN IMMEDIATE`` in the loop too, when the write lock is
free (its busy timeout nothing there as well; the lock taken by another process, it begins
again in the thread, which waits). While it holds the lock, one row's ``INSERT … VALUES`` waits
for nothing and runs in the loop: a comment with its evidence hops to the thread only to commit
(``COMMIT`` may copy the log into the database, which takes disk time: always in the thread).
An interrupted write would roll its whole transaction back, so no write is given a budget:
only one row's, with few parameters, runs in the loop; bigger writes go to the thread. A
transaction that wrote only such rows commits in the loop as well: its ``COMMIT`` appends a few
pages to the log (``synchronous=NORMAL``: no sync to disk) — unless it would copy the log into
the database. That copy (SQLite's auto-checkpoint, once the log holds 1,000 pages) takes disk
time, so a commit in the loop has it turned off, and one small commit in every
``COMMITS_BETWEEN_CHECKPOINTS`` goes to the thread as before, where SQLite copies the log if it
has grown past its limit. A commit in the thread held the writers' turn (below) until the loop
came back to it, with 32 requests in flight a third of a comment's time. Writers
of one process take turns before SQLite's lock (``take_turn``): waiting in the loop for the one
before to commit costs nothing, where finding the lock taken meant a thread sleeping in
SQLite's busy handler.

Everything else (errors, the pool, server-side cursors) is SQLAlchemy's adapter as it is.
"""

from __future__ import annotations

import asyncio
import collections
import re
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

# A read in the loop's thread may take this many of SQLite's virtual machine steps (counted in
# units of STEPS_PER_CHECK) before it is stopped and run again in the connection's thread.
# A page's reads take 300–2,500 steps; 50,000 is about a millisecond on the project's machine.
STEPS_PER_CHECK = 1000
STEPS_IN_LOOP = 50_000
_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
# A write run in the loop's thread: one row's INSERT … VALUES, in a transaction that holds the
# write lock, with few enough parameters to be one row (ORM batches are sent with hundreds).
_BEGIN_IMMEDIATE = re.compile(r"\s*BEGIN\s+IMMEDIATE\s*$", re.IGNORECASE)
_INSERT_ROW = re.compile(
    r"\s*INSERT\s+INTO\s+\S+\s*\([^()]*\)\s*VALUES\s*\([^()]*\)(?!\s*,)", re.IGNORECASE
)
PARAMETERS_IN_LOOP = 64
# One commit of a small write in this many runs in the thread, with SQLite's auto-checkpoint.
COMMITS_BETWEEN_CHECKPOINTS = 64


class _Budget:
    """The progress handler of a read run in the loop: stops it once its steps are spent. Keeps
    the connection's busy timeout, which a read in the loop sets to nothing while it runs."""

    __slots__ = ("busy_timeout", "left")

    def __init__(self) -> None:
        self.left = 0
        self.busy_timeout: int | None = None

    def __call__(self) -> int:
        self.left -= 1
        return 1 if self.left < 0 else 0  # non-zero: SQLite interrupts the statement


class _Ran:
    """What SQLAlchemy asks of a cursor once its statement has run (the rows are kept by the
    adapter)."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, description: Any = None, rowcount: int = -1, lastrowid: Any = None) -> None:
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.arraysize = 1

    def close(self) -> None:
        pass


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[Any, int, Any, list[Any] | None, bool]:
    """In the connection's thread: the whole statement, cursor opened and closed; then
    whether a transaction is open."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return (
            cursor.description,
            cursor.rowcount,
            cursor.lastrowid,
            rows,
            connection.in_transaction,
        )
    finally:
        cursor.close()


def _read_here(
    connection: sqlite3.Connection, operation: str, parameters: Any, budget: _Budget
) -> tuple[Any, int, Any, list[Any] | None, bool] | None:
    """In the event loop's thread: the read, if it finishes within its budget and without
    waiting for a lock; else None (the read was stopped, or could not start, and changed
    nothing)."""
    busy_timeout = _busy_timeout(connection, budget)
    budget.left = STEPS_IN_LOOP // STEPS_PER_CHECK
    connection.set_progress_handler(budget, STEPS_PER_CHECK)
    connection.execute("PRAGMA busy_timeout=0")  # a locked database: say so, never wait here
    try:
        return _run(connection, operation, parameters, False)
    except sqlite3.OperationalError as error:
        if budget.left < 0 or _locked(error):
            return None  # stopped by the budget, or locked: the thread runs it, and may wait
        raise  # a real error
    finally:
        connection.execute(f"PRAGMA busy_timeout={busy_timeout}")
        connection.set_progress_handler(None, 0)


def _begin_here(
    connection: sqlite3.Connection, operation: str, budget: _Budget
) -> tuple[Any, int, Any, list[Any] | None, bool] | None:
    """In the event loop's thread: ``BEGIN IMMEDIATE``, if the write lock is free; else None
    (another connection writes: the thread waits for it, as long as the busy timeout allows)."""
    busy_timeout = _busy_timeout(connection, budget)
    connection.execute("PRAGMA busy_timeout=0")
    try:
        return _run(connection, operation, None, False)
    except sqlite3.OperationalError as error:
        if _locked(error):
            return None
        raise
    finally:
        connection.execute(f"PRAGMA busy_timeout={busy_timeout}")


def _busy_timeout(connection: sqlite3.Connection, budget: _Budget) -> int:
    """The connection's busy timeout in ms, as it was set up (read once)."""
    if budget.busy_timeout is None:
        budget.busy_timeout = int(connection.execute("PRAGMA busy_timeout").fetchone()[0])
    return budget.busy_timeout


def _one_row(operation: str, parameters: Any) -> bool:
    """A statement that writes one row (``INSERT … VALUES (…)``, a few parameters): with the
    write lock held, it waits for nothing and takes microseconds, less than a thread hop."""
    return (parameters is None or len(parameters) <= PARAMETERS_IN_LOOP) and bool(
        _INSERT_ROW.match(operation)
    )


def _locked(error: sqlite3.OperationalError) -> bool:
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False  # _Ran.close is a plain function: nothing to wait for

    def _make_new_cursor(self, connection: Any) -> Any:
        return _Ran()  # no cursor in the thread until a statement runs

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_hop(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_hop(operation, seq_of_parameters, many=True)

    async def _one_hop(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: Any = self._connection  # an aiosqlite.Connection
        adapted: _OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        begin = not many and _BEGIN_IMMEDIATE.match(operation) is not None
        async with adapted._execute_mutex:
            ran = None
            try:
                if many:
                    pass
                elif _READ.match(operation):
                    ran = _read_here(connection._conn, operation, parameters, adapted.budget)
                elif adapted.write_locked and _one_row(operation, parameters):
                    ran = _run(connection._conn, operation, parameters, False)
                elif begin:
                    await adapted.take_turn()
                    ran = _begin_here(connection._conn, operation, adapted.budget)
                if begin:
                    adapted.wrote_elsewhere = False
                elif ran is None and (many or not _READ.match(operation)):
                    adapted.wrote_elsewhere = True  # a bigger write: committed in the thread
                if ran is None:
                    adapted.in_transaction = True  # until the statement says otherwise (or fails)
                    ran = await connection._execute(
                        _run, connection._conn, operation, parameters, many
                    )
            finally:
                # The write lock is held from a BEGIN IMMEDIATE until the transaction ends
                # (a failed statement may leave it open).
                if connection._conn.in_transaction and (adapted.write_locked or begin):
                    adapted.write_locked = True
                else:
                    adapted.end_turn()
        description, rowcount, lastrowid, rows, adapted.in_transaction = ran
        self._cursor = _Ran(description, rowcount, lastrowid)  # type: ignore[assignment]
        if rows is not None:
            self._rows = collections.deque(rows)


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """Commit and rollback go to the thread only when a transaction is open: a request that
    only reads (no BEGIN on SQLite) ends without a round trip."""

    __slots__ = (
        "autocheckpoint",
        "budget",
        "in_transaction",
        "turn",
        "write_locked",
        "wrote_elsewhere",
    )
    _cursor_cls = _OneHopCursor
    dbapi: _OneHopDBAPI

    def __init__(self, dbapi: _OneHopDBAPI, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # not known yet: the first commit or rollback goes through
        self.budget = _Budget()
        self.write_locked = False  # in a transaction begun IMMEDIATE: one row's INSERT runs here
        self.wrote_elsewhere = False  # … and a bigger write ran in the thread
        self.autocheckpoint: int | None = None  # the connection's wal_autocheckpoint, once read
        # This process's writers' turn (and its event loop), while this connection holds it.
        self.turn: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def take_turn(self) -> None:
        """Wait, without a thread, until no other connection of this process writes (as long
        as the busy timeout; then SQLite's own wait decides). Writers of one process then
        take SQLite's lock in turn in the loop — where each of them found it taken, begun
        again in a thread and slept in SQLite's busy handler (1, 2, 5 … ms), the connection
        held and the CPU idle, a quarter of the comment POSTs with 32 in flight."""
        turn = self.dbapi.turn()
        if turn.locked():
            timeout = _busy_timeout(self._connection._conn, self.budget) / 1000
            try:
                await asyncio.wait_for(turn.acquire(), timeout)
            except TimeoutError:
                return
        else:
            await turn.acquire()
        self.turn = (asyncio.get_running_loop(), turn)

    def end_turn(self) -> None:
        """The transaction ended (or the connection is closed): the next writer's turn. From
        outside the loop (a connection collected as garbage in another thread) through it."""
        self.write_locked = False
        if self.turn is None:
            return
        (loop, turn), self.turn = self.turn, None
        try:
            here = asyncio.get_running_loop() is loop
        except RuntimeError:
            here = False
        if here:
            turn.release()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(turn.release)

    def commit(self) -> None:
        if (
            self.in_transaction
            and self.write_locked
            and not self.wrote_elsewhere
            and self.dbapi.commit_here()
        ):
            self._end(self._commit_here)
        else:
            self._end(super().commit)

    def _commit_here(self) -> None:
        """``COMMIT`` in the event loop's thread, SQLite's auto-checkpoint off while it runs."""
        connection: sqlite3.Connection = self._connection._conn
        if self.autocheckpoint is None:
            self.autocheckpoint = int(connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        connection.execute("PRAGMA wal_autocheckpoint=0")
        try:
            connection.execute("COMMIT")
        except Exception as error:
            self._handle_exception(error)
        finally:
            connection.execute(f"PRAGMA wal_autocheckpoint={self.autocheckpoint}")

    def rollback(self) -> None:
        self._end(super().rollback)

    def _end(self, end: Callable[[], None]) -> None:
        """Commit or roll back, if a transaction is open; the turn is given up either way."""
        try:
            if self.in_transaction:
                end()
                self.in_transaction = False
        finally:
            self.end_turn()

    def close(self) -> None:
        self.end_turn()
        super().close()

    def terminate(self) -> None:
        self.end_turn()
        super().terminate()


class _OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self, aiosqlite: Any, sqlite: Any) -> None:
        super().__init__(aiosqlite, sqlite)
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._small_commits = 0

    def commit_here(self) -> bool:
        """Whether a small write's commit runs in the loop: all but one in every
        COMMITS_BETWEEN_CHECKPOINTS (that one in the thread, where SQLite may copy the log)."""
        self._small_commits += 1
        return self._small_commits % COMMITS_BETWEEN_CHECKPOINTS != 0

    def turn(self) -> asyncio.Lock:
        """The writers' turn of this engine's connections in the running event loop."""
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = asyncio.Lock()
        return turn

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)


def dbapi() -> Any:
    """The DBAPI module to give ``create_async_engine(module=…)`` for an aiosqlite URL."""
    return _OneHopDBAPI(aiosqlite, sqlite3)


async def execute(cursor: Any, operation: str, parameters: Any) -> Any:
    """One statement on a cursor of this driver's connection, as the adapter runs it (a read in
    the loop, else one hop; its errors translated as the adapter's own); its rows (for
    platform.direct)."""
    try:
        await cursor._execute_async(operation, parameters)
    except Exception as error:
        cursor._adapt_connection._handle_exception(error)
    return cursor._rows
