"""Migrations build the schema from empty on SQLite and PostgreSQL, and agree with the models."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, col

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.platform.db import create_engine
from partner_portal.platform.migrate import head_revision


async def test_the_database_is_at_the_latest_migration(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        version = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
        tables = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    await engine.dispose()

    assert version == head_revision()
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata
            )
        )
    await engine.dispose()

    assert differences == []


async def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path: object) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pragmas.db")
    async with engine.connect() as connection:
        journal = await connection.scalar(sa.text("PRAGMA journal_mode"))
        busy = await connection.scalar(sa.text("PRAGMA busy_timeout"))
        foreign_keys = await connection.scalar(sa.text("PRAGMA foreign_keys"))
    await engine.dispose()

    assert (journal, busy, foreign_keys) == ("wal", 5000, 1)


async def test_sqlite_read_then_write_waits_for_a_concurrent_writer(tmp_path: object) -> None:
    """Nearly every request reads and then writes. Deferred, a transaction whose snapshot went
    stale while another connection committed fails at once with "database is locked"; the
    portal begins its SQLite transactions IMMEDIATE, so the second one waits instead."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/concurrent.db")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
        await connection.exec_driver_sql("INSERT INTO t VALUES (0)")
    first_has_read = asyncio.Event()

    async def read_then_write() -> None:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("SELECT n FROM t")
            first_has_read.set()
            await asyncio.sleep(0.2)
            await connection.exec_driver_sql("UPDATE t SET n = n + 1")

    async def write() -> None:
        await first_has_read.wait()
        async with engine.begin() as connection:
            await connection.exec_driver_sql("UPDATE t SET n = n + 10")

    await asyncio.gather(read_then_write(), write())
    async with engine.connect() as connection:
        total = await connection.scalar(sa.text("SELECT n FROM t"))
    await engine.dispose()

    assert total == 11


async def test_the_audit_log_refuses_updates_and_deletes(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(sa.insert(AuditEvent).values(action=AuditAction.LOGIN, details={}))
    for statement in (
        sa.update(AuditEvent).values(action=AuditAction.LOGOUT),
        sa.delete(AuditEvent),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as connection:
                await connection.execute(statement)
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.select(col(AuditEvent.action)))).all()
    await engine.dispose()

    assert [r.action for r in rows] == [AuditAction.LOGIN]


async def test_foreign_keys_are_enforced(database_url: str) -> None:
    from partner_portal.auth.models import LoginSession

    engine = create_engine(database_url)
    with pytest.raises(DBAPIError):
        async with engine.begin() as connection:
            await connection.execute(
                sa.insert(LoginSession).values(
                    token_hash="x" * 64,
                    person_id=999,
                    csrf_token="y",
                    expires_at=sa.func.now(),
                    created_at=sa.func.now(),
                    last_seen_at=sa.func.now(),
                )
            )
    await engine.dispose()
