"""The SQLite driver: a short read runs in the event loop's thread, anything else in one call to
the connection's thread, none to end a request that began no transaction — and transactions
exactly as SQLite keeps them."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from partner_portal.platform import db, sqlite_driver
from partner_portal.platform.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_engine,
    request_session_options,
)


@pytest.fixture
def thread_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """What the event loop hands to aiosqlite's threads, by function name."""
    calls: Counter[str] = Counter()
    original: Any = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls[getattr(fn, "__name__", repr(fn))] += 1
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


async def _table(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
        )
    await engine.dispose()


async def test_a_read_is_one_call_and_ending_it_none(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'one.db'}"
    await _table(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))  # the connection is set up
            await connection.rollback()
            deferred = await connection.execution_options(sqlite_begin="DEFERRED")
            thread_calls.clear()
            rows = (await deferred.execute(sa.text("SELECT id, v FROM t"))).all()
            await deferred.rollback()
            read = dict(thread_calls)
    finally:
        await engine.dispose()

    assert rows == []
    # BEGIN DEFERRED: one call (not cursor, execute, fetch, close); the SELECT none (it ran
    # in the loop's thread); and the rollback of the open transaction.
    assert read == {"_run": 1, "rollback": 1}


async def test_transactions_commit_roll_back_and_survive_a_failed_statement(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tx.db'}"
    await _table(url)
    engine = create_engine(url)
    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    try:
        async with engine.begin() as connection:
            await connection.execute(insert, {"v": "kept"})
        async with engine.connect() as connection:
            await connection.execute(insert, {"v": "rolled back"})
            await connection.rollback()
        async with engine.begin() as connection:
            await connection.execute(insert, {"v": "half"})
            with pytest.raises(IntegrityError):
                await connection.execute(insert, {"v": "kept"})  # UNIQUE: fails
            await connection.rollback()
        async with engine.connect() as connection:
            reading = await connection.execution_options(**request_session_options(write=False))
            values = (await reading.execute(sa.text("SELECT v FROM t ORDER BY id"))).scalars()
            saved = list(values)
            thread_calls.clear()
            await reading.commit()  # a request that only read began no transaction: no call
            idle = dict(thread_calls)
    finally:
        await engine.dispose()

    assert saved == ["kept"]
    assert idle == {}


# A read that counts this far takes far more than STEPS_IN_LOOP of SQLite's steps.
LONG_READ = (
    "SELECT (SELECT max(x) FROM (WITH RECURSIVE c(x) AS "
    "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT x FROM c)), ran_in()"
)


def _thread_recorder(engine: Any) -> list[int]:
    """``ran_in()`` in SQL: records the thread a statement is evaluated in."""
    threads: list[int] = []

    def ran_in() -> int:
        threads.append(threading.get_ident())
        return 1

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection._connection._conn.create_function("ran_in", 0, ran_in)

    event.listen(engine.sync_engine, "connect", on_connect)
    return threads


async def test_a_short_read_runs_in_the_loop_and_a_long_one_in_the_thread(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'here.db'}"
    await _table(url)
    engine = create_engine(url)
    threads = _thread_recorder(engine)
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))  # the connection is set up
            thread_calls.clear()
            short = (await connection.execute(sa.text("SELECT ran_in()"))).scalar_one()
            in_loop = list(threads)
            short_calls = dict(thread_calls)
            threads.clear()
            count, _ = (await connection.execute(sa.text(LONG_READ))).one()
            long_calls = dict(thread_calls)
            # The budget's progress handler is gone again: a long read the thread runs is
            # not stopped, and the next short read in the loop has its whole budget.
            again = (await connection.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
    finally:
        await engine.dispose()

    assert short == 1
    assert in_loop == [threading.get_ident()]
    assert short_calls == {}
    # The long read was stopped in the loop within its budget and ran whole in the thread.
    assert count == 300000
    assert threads
    assert threads[-1] != threading.get_ident()
    assert long_calls == {"_run": 1}
    assert again == 0


async def test_a_read_stopped_in_the_loop_leaves_its_transaction_as_it_was(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stopped.db'}"
    await _table(url)
    engine = create_engine(url)
    _thread_recorder(engine)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("INSERT INTO t (v) VALUES ('before')"))
            await connection.execute(sa.text(LONG_READ))  # stopped in the loop, run again
            await connection.execute(sa.text("INSERT INTO t (v) VALUES ('after')"))
        async with engine.connect() as connection:
            saved = list(
                (await connection.execute(sa.text("SELECT v FROM t ORDER BY id"))).scalars()
            )
    finally:
        await engine.dispose()

    assert saved == ["before", "after"]


async def test_a_failing_read_in_the_loop_raises_as_from_the_thread(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fails.db'}"
    await _table(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
            thread_calls.clear()
            with pytest.raises(OperationalError, match="no such table"):
                await connection.execute(sa.text("SELECT * FROM no_such_table"))
            calls = dict(thread_calls)
            await connection.rollback()
            # The connection is fine afterwards.
            after = (await connection.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
    finally:
        await engine.dispose()

    assert calls == {}  # the error came from the loop's attempt, not from a second one
    assert after == 0


async def test_a_read_never_waits_for_a_lock_in_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the loop a read has no busy timeout: finding the database locked, it runs again in
    the connection's thread, which waits with the busy timeout. (In WAL mode a reader is
    locked out only in rare moments a test cannot bring about, such as another process's
    recovery of the log: the lock is SQLite's own error, raised here once.)"""
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}"
    await _table(url)
    engine = create_engine(url)
    seen: list[tuple[bool, int]] = []  # (in the loop's thread, busy timeout then)
    original = sqlite_driver._run

    def locked_once(connection: sqlite3.Connection, *args: Any) -> Any:
        in_loop = threading.get_ident() == loop_thread
        timeout = connection.execute("PRAGMA busy_timeout").fetchone()[0]
        seen.append((in_loop, timeout))
        if in_loop and len(seen) == 1:
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY
            raise error
        return original(connection, *args)

    loop_thread = threading.get_ident()
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))  # the connection is set up
            monkeypatch.setattr(sqlite_driver, "_run", locked_once)
            count = (await connection.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
            monkeypatch.setattr(sqlite_driver, "_run", original)
            timeout_after = (await connection.execute(sa.text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        await engine.dispose()

    assert count == 0
    assert seen == [(True, 0), (False, SQLITE_BUSY_TIMEOUT_MS)]
    assert timeout_after == SQLITE_BUSY_TIMEOUT_MS


async def test_a_writing_transaction_begins_and_writes_rows_in_the_loop(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    """BEGIN IMMEDIATE with the write lock free, and one row's INSERT … VALUES while it is
    held, run in the loop's thread, and so does the COMMIT of such a transaction: a request
    that writes a row or two never hops to the thread. Anything bigger, or a write without the
    lock held, goes to the thread, and its transaction commits there."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'writes.db'}"
    await _table(url)
    engine = create_engine(url)
    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))  # the connection is set up
            await connection.rollback()
            thread_calls.clear()
            await connection.execute(insert, {"v": "a"})  # begins IMMEDIATE
            await connection.execute(insert, {"v": "b"})
            await connection.commit()
            rows_in_loop = dict(thread_calls)

            thread_calls.clear()
            await connection.execute(insert, [{"v": f"many {i}"} for i in range(3)])
            await connection.execute(sa.text("INSERT INTO t (v) SELECT v || ' copy' FROM t"))
            await connection.commit()
            bigger = dict(thread_calls)

            deferred = await connection.execution_options(sqlite_begin="DEFERRED")
            thread_calls.clear()
            await deferred.execute(insert, {"v": "deferred"})
            await deferred.commit()
            unlocked = dict(thread_calls)

            saved = (await connection.execute(sa.text("SELECT count(*) FROM t"))).scalar_one()
            await connection.rollback()
    finally:
        await engine.dispose()

    assert rows_in_loop == {}
    assert bigger == {"_run": 2, "commit": 1}  # executemany and INSERT … SELECT
    assert unlocked == {"_run": 2, "commit": 1}  # BEGIN DEFERRED and the INSERT: no lock held
    assert saved == 2 + 3 + 5 + 1


async def _second_writes_while_first_holds_the_lock(
    first: Any, second: Any, thread_calls: Counter[str]
) -> tuple[list[str], dict[str, int]]:
    """``first`` takes the write lock and commits 50 ms later, in a task of its own, while
    ``second`` writes a row and commits: what else the loop served meanwhile, and the calls
    handed to the connections' threads while ``second`` waited."""
    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    served: list[str] = []
    await second.execute(sa.text("SELECT 1"))
    await second.rollback()
    await first.execute(insert, {"v": "first"})  # holds the write lock

    async def other_work() -> None:
        await asyncio.sleep(0.05)
        served.append("the loop went on")
        await first.commit()

    thread_calls.clear()
    other = asyncio.create_task(other_work())
    await second.execute(insert, {"v": "second"})
    waited = dict(thread_calls)
    await other
    await second.commit()
    return served, waited


async def test_writers_of_one_process_take_turns_in_the_loop(
    tmp_path: Path, thread_calls: Counter[str]
) -> None:
    """A writer whose engine has another connection writing waits for its turn in the loop
    (no thread, no busy handler's sleeps), and begins in the loop the moment that one commits;
    the loop goes on serving meanwhile."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    await _table(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as first, engine.connect() as second:
            served, waited = await _second_writes_while_first_holds_the_lock(
                first, second, thread_calls
            )
            saved = list((await second.execute(sa.text("SELECT v FROM t ORDER BY id"))).scalars())
            await second.rollback()
    finally:
        await engine.dispose()

    assert served == ["the loop went on"]
    assert waited == {}  # the first committed in the loop; the second began and wrote there
    assert saved == ["first", "second"]


async def test_a_writer_that_finds_the_lock_taken_waits_for_it_in_the_thread(
    tmp_path: Path, thread_calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BEGIN IMMEDIATE never waits in the loop: the lock taken by another process (here
    another engine), it begins again in the connection's thread, which waits with the busy
    timeout until the other commits, and the loop goes on serving meanwhile. A writer that
    fails to begin leaves its turn to the next."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'waits.db'}"
    await _table(url)
    elsewhere = create_engine(url)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)  # this engine's
    engine = create_engine(url)
    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    try:
        async with elsewhere.connect() as first, engine.connect() as second:
            served, waited = await _second_writes_while_first_holds_the_lock(
                first, second, thread_calls
            )
            timeout = (await second.execute(sa.text("PRAGMA busy_timeout"))).scalar_one()
            saved = list((await second.execute(sa.text("SELECT v FROM t ORDER BY id"))).scalars())
            await second.rollback()

            # Kept from the lock past the busy timeout: the error, and the turn is free.
            await first.execute(insert, {"v": "holds"})
            with pytest.raises(OperationalError, match="locked"):
                await second.execute(insert, {"v": "refused"})
            await second.rollback()
            await first.rollback()
            turn_free = not engine.dialect.loaded_dbapi.turn().locked()
    finally:
        await engine.dispose()
        await elsewhere.dispose()

    assert served == ["the loop went on"]
    # The second's BEGIN IMMEDIATE, waited for in its thread while the first committed (in
    # the loop: one row written); the INSERT then ran in the loop.
    assert waited == {"_run": 1}
    assert timeout == 300
    assert saved == ["first", "second"]
    assert turn_free


async def test_a_writer_whose_connection_is_dropped_gives_up_its_turn(tmp_path: Path) -> None:
    """A connection invalidated in the middle of its write (a request cancelled, a connection
    lost) leaves the turn to the next writer at once, not after the busy timeout."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'dropped.db'}"
    await _table(url)
    engine = create_engine(url)
    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    try:
        async with engine.connect() as first:
            await first.execute(insert, {"v": "dropped"})  # holds the turn and the lock
            await first.invalidate()
        async with engine.connect() as second:
            await asyncio.wait_for(second.execute(insert, {"v": "next"}), 1)
            await second.commit()
            saved = list((await second.execute(sa.text("SELECT v FROM t"))).scalars())
            await second.rollback()
        turn_free = not engine.dialect.loaded_dbapi.turn().locked()
    finally:
        await engine.dispose()

    assert saved == ["next"]
    assert turn_free


async def test_small_commits_in_the_loop_leave_the_log_to_be_copied_in_the_thread(
    tmp_path: Path, thread_calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit in the loop never copies the log into the database (disk time, in the loop):
    SQLite's auto-checkpoint is off while it runs. One small commit in every
    COMMITS_BETWEEN_CHECKPOINTS runs in the thread with it on, so the log is still copied once
    it passes its limit, and does not grow without bound. What is committed in the loop is
    committed: another connection reads it."""
    monkeypatch.setattr(sqlite_driver, "COMMITS_BETWEEN_CHECKPOINTS", 10)
    path = tmp_path / "log.db"
    wal = tmp_path / "log.db-wal"
    url = f"sqlite+aiosqlite:///{path}"
    await _table(url)
    engine = create_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def small_log(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=20")  # pages, SQLite's 1,000

    insert = sa.text("INSERT INTO t (v) VALUES (:v)")
    largest = 0
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
            await connection.rollback()
            thread_calls.clear()
            for i in range(200):
                await connection.execute(insert, {"v": f"rad {i}"})
                await connection.commit()
                # The log file is never made smaller: its size tells the most pages it held.
                largest = max(largest, (wal.stat().st_size - 32) // (24 + 4096))
            autocheckpoint = (
                await connection.execute(sa.text("PRAGMA wal_autocheckpoint"))
            ).scalar_one()
            await connection.rollback()
    finally:
        await engine.dispose()

    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone() == (200,)
    assert thread_calls["commit"] == 200 // 10
    # 200 commits of two or three pages each: some 500 pages, had the log never been copied.
    assert largest <= 20 + 10 * 3
    assert autocheckpoint == 20  # as the connection had it
