"""Migration 0021 on a database with data (SQLite and PostgreSQL): the programme's tables are
added and seeded with programme 2021–2024, what was there stays; downgrading drops them again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from partner_portal.platform import clock
from partner_portal.platform.db import create_engine
from partner_portal.platform.migrate import alembic_config
from tests.conftest import POSTGRES_ADMIN, postgres_admin

OURS, BEFORE = "0021", "0020"
TABLES = {"programme_version", "followup_question", "followup_manual_answer"}


def _in_a_thread(work: Callable[[], object]) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


@pytest.fixture
async def old_database(database_kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database migrated up to just before the programme's tables."""
    name = f"pp_old_{uuid.uuid4().hex[:10]}"
    if database_kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/old.db"
    else:
        await postgres_admin(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        url = f"{base}/{name}"
    _in_a_thread(lambda: command.upgrade(alembic_config(url), BEFORE))
    yield url
    if database_kind != "sqlite":
        await postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as c:
        found = await c.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
    await engine.dispose()
    return found


async def _evidence(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    async with engine.connect() as c:
        rows = await c.execute(
            sa.text(
                "SELECT o.name, e.kind, e.process FROM evidence e "
                "JOIN organisation o ON o.id = e.organisation_id ORDER BY e.id"
            )
        )
        found = [tuple(r) for r in rows]
    await engine.dispose()
    return found


async def test_upgrade_seeds_the_programme_keeps_the_data_and_downgrade_drops_it(
    old_database: str,
) -> None:
    engine = create_engine(old_database)
    now = clock.now()
    async with engine.begin() as c:
        await c.execute(
            sa.text(
                "INSERT INTO organisation (name, name_key, sort_key, kind, is_active, created_at) "
                "VALUES ('Utbildningsförvaltningen', 'utbildningsförvaltningen', 'u', "
                "'forvaltning', true, :now)"
            ),
            {"now": now},
        )
        await c.execute(
            sa.text(
                "INSERT INTO evidence (organisation_id, kind, occurred_at, process, link, details) "
                "SELECT id, 'room_accepted', :now, 'nodvatten', '/rum/1', '{}' FROM organisation"
            ),
            {"now": now},
        )
    await engine.dispose()
    before = await _evidence(old_database)

    _in_a_thread(lambda: command.upgrade(alembic_config(old_database), OURS))

    engine = create_engine(old_database)
    async with engine.connect() as c:
        versions = (
            await c.execute(sa.text("SELECT id, name, valid_from, valid_to FROM programme_version"))
        ).all()
        questions = (
            await c.execute(
                sa.text(
                    "SELECT section, point, rule, process, text_sv FROM followup_question "
                    "ORDER BY position"
                )
            )
        ).all()
    await engine.dispose()
    assert len(versions) == 1
    assert versions[0][1] == "Trygghets- och säkerhetsprogram 2021–2024"
    assert [(q[0], q[1]) for q in questions] == [
        *(("4.1", p) for p in "abcde"),
        *(("4.2", p) for p in "abcdefg"),
    ]
    assert questions[0][2:4] == ("manual", None)
    assert questions[5][2:] == (
        "participation",
        "nodvatten",
        "Deltog bolagen, stiftelserna och samverkansorganen i arbetet med nödvattenplanen?",
    )
    assert await _evidence(old_database) == before
    assert await _tables(old_database) >= TABLES

    _in_a_thread(lambda: command.downgrade(alembic_config(old_database), BEFORE))

    assert not TABLES & await _tables(old_database)
    assert await _evidence(old_database) == before

    # And up again: the seed is written once more, where a new version would take id 2.
    _in_a_thread(lambda: command.upgrade(alembic_config(old_database), OURS))
    engine = create_engine(old_database)
    async with engine.begin() as c:
        await c.execute(
            sa.text(
                "INSERT INTO programme_version (name, valid_from, sections, created_at) "
                "VALUES ('Nästa', :day, '[]', :now)"
            ),
            {"day": now.date(), "now": now},
        )
        ids = list(await c.scalars(sa.text("SELECT id FROM programme_version ORDER BY id")))
    await engine.dispose()
    assert ids == [1, 2]
