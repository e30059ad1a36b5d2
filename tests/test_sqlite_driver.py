"""The SQLite driver: one call to the connection's thread per statement, none to end a request
that began no transaction — and transactions exactly as SQLite keeps them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from partner_portal.platform.db import create_engine, request_session_options


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
            thread_calls.clear()
            rows = (
                await connection.execute(
                    sa.text("SELECT id, v FROM t"), execution_options={"sqlite_begin": "DEFERRED"}
                )
            ).all()
            await connection.rollback()
            read = dict(thread_calls)
    finally:
        await engine.dispose()

    assert rows == []
    # BEGIN DEFERRED and the SELECT: one call each (not cursor, execute, fetch, close), and
    # the rollback of the open transaction.
    assert read == {"_run": 2, "rollback": 1}


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
