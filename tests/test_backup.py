"""`partner-portal backup DIR` and `restore DIR`, run as an operator runs them: a backup restored
into a fresh data directory (and, on PostgreSQL, a fresh database) holds every record and file,
and the portal started on it shows them; a damaged or newer backup is refused before anything
is touched."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import sqlite3
import stat
import sys
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col
from starlette.applications import Starlette

import partner_portal
from partner_portal.app import create_app
from partner_portal.attachments import storage
from partner_portal.attachments.models import Attachment
from partner_portal.backup import manifest
from partner_portal.organisations.models import MembershipRole, Organisation, OrganisationKind
from partner_portal.platform import migrate
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.settings import Settings, load_settings
from partner_portal.platform.text import swedish_sort_key
from tests.attachments import files
from tests.conftest import DATABASES, POSTGRES_ADMIN
from tests.helpers import BASE_URL, Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.plans.factories import comment, make_plan
from tests.rooms.factories import accept, invite, open_room

pytestmark = pytest.mark.slow  # each test runs the command in processes of its own

SOURCE = str(Path(partner_portal.__file__).parent.parent)
SECRET = "test-secret-" + "x" * 40


async def run(args: Sequence[str], env: dict[str, str]) -> tuple[int, str, str]:
    """The command, in a process of its own, as an operator runs it (this checkout's code)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "partner_portal.cli",
        *args,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": SOURCE, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    said = err.decode()
    assert "Traceback" not in said, said
    return process.returncode, out.decode(), said


def environment(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {"PORTAL_DATA_DIR": str(data_dir), "PORTAL_SECRET_KEY": SECRET}
    if database_url:
        env["PORTAL_DATABASE_URL"] = database_url
    return env


def settings_for(data_dir: Path, database_url: str = "") -> Settings:
    return load_settings({**environment(data_dir, database_url), "PORTAL_BASE_URL": BASE_URL})


def _admin(sql: str) -> None:
    """One statement as PostgreSQL's superuser (on a thread: a test's event loop is running)."""

    async def execute() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, execute()).result()


@pytest.fixture
def restore_url(database_kind: str) -> Iterator[str]:
    """Where a backup is restored: on PostgreSQL a new, empty database (no migrations), on
    SQLite "" (the database file in the new data directory)."""
    if database_kind == "sqlite":
        yield ""
        return
    name = f"pp_restore_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def upload(
    client: httpx.AsyncClient, app: Starlette, room_id: int, name: str, content: bytes
) -> None:
    response = await client.post(
        f"/rum/{room_id}/filer",
        data={"csrf_token": await csrf_token(client, app), "classification": "internal"},
        files=[("file", (name, content, "application/octet-stream"))],
    )
    assert response.status_code == 303, response.text


async def every_row(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(database_url)
    found: dict[str, list[tuple[Any, ...]]] = {}
    try:
        async with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                query = sa.select(table).order_by(*table.primary_key.columns)
                found[table.name] = [tuple(row) for row in await connection.execute(query)]
    finally:
        await engine.dispose()
    return found


def stored_files(data_dir: Path) -> dict[str, bytes]:
    root = storage.files_root(data_dir)
    return {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def modes(directory: Path) -> set[tuple[str, int]]:
    """(kind, permission bits) of the directory and everything in it."""
    found = {("dir", stat.S_IMODE(directory.stat().st_mode))}
    for path in directory.rglob("*"):
        kind = "dir" if path.is_dir() else "file"
        found.add((kind, stat.S_IMODE(path.stat().st_mode)))
    return found


# --- the round trip ----------------------------------------------------------------------


async def test_a_restored_backup_holds_every_record_and_file_and_the_portal_shows_them(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    settings: Settings,
    alice: Persona,
    bob: Persona,
    tmp_path: Path,
    restore_url: str,
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice, name="Nödvatten 2026")
    await invite(db, app, alice, room_id, byggen, upplev)
    await accept(db, bob, room_id, byggen)
    plan_id, [section_id] = await make_plan(db, alice, room_id, [("Ansvar", "Kommunen leder.")])
    await comment(db, app, bob, room_id, plan_id, section_id, "Vi har en reservtank.")
    await log_in(client, app, bob)
    big = files.PDF + b"%" + bytes(range(256)) * 12_288 + b"\n%%EOF\n"  # 3 MiB: several chunks
    await upload(client, app, room_id, "Yttrande.pdf", files.PDF)
    await upload(client, app, room_id, "Stor bilaga.pdf", big)
    original_files = stored_files(settings.data_dir)
    assert sorted(original_files.values()) == sorted([files.PDF, big])
    postgres = not settings.sqlite
    backup = tmp_path / "backup"
    extra = ["--with-database"] if postgres else []

    status, out, err = await run(
        ["backup", *extra, str(backup)], environment(settings.data_dir, settings.database_url)
    )

    assert status == 0, err
    assert "2 uploaded files" in out
    assert "personal data" in out
    assert modes(backup) == {("dir", 0o700), ("file", 0o600)}
    written = json.loads((backup / "manifest.json").read_text())
    assert written["database"]["kind"] == ("postgresql" if postgres else "sqlite")
    assert written["database"]["alembic_revision"] == migrate.head_revision()
    assert written["portal_version"] == partner_portal.__version__
    assert written["files"]["count"] == 2
    assert written["files"]["bytes"] == len(files.PDF) + len(big)

    # A fresh data directory, and on PostgreSQL a fresh (empty) database.
    restored = tmp_path / "restored"
    status, out, err = await run(
        ["restore", *extra, str(backup)], environment(restored, restore_url)
    )

    assert status == 0, err
    assert "2 uploaded files" in out
    assert "migrate" not in out  # the same migration: nothing to do
    target = settings_for(restored, restore_url)
    assert await every_row(target.database_url) == await every_row(settings.database_url)
    assert stored_files(restored) == original_files

    restored_app = create_app(target)
    try:
        transport = httpx.ASGITransport(app=restored_app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as browser:
            await log_in(browser, restored_app, alice)
            room = await browser.get(f"/rum/{room_id}")
            plan = await browser.get(f"/rum/{room_id}/planer/{plan_id}")
            listing = await browser.get(f"/rum/{room_id}/filer")
            organisation = await browser.get(f"/organisationer/{byggen}")
            assert room.status_code == plan.status_code == listing.status_code == 200
            assert "Nödvatten 2026" in room.text
            assert "Upplev Botkyrka AB" in room.text
            assert "Vi har en reservtank." in plan.text
            assert "Bob Bergström" in plan.text
            assert "Yttrande.pdf" in listing.text
            assert "Stor bilaga.pdf" in listing.text
            assert organisation.status_code == 200
            assert "AB Botkyrkabyggen" in organisation.text
            async with restored_app.state.portal.sessions() as session:
                rows = await session.execute(
                    sa.select(col(Attachment.id), col(Attachment.original_name))
                )
                by_name = {name: file_id for file_id, name in rows}
            for name, content in (("Yttrande.pdf", files.PDF), ("Stor bilaga.pdf", big)):
                download = await browser.get(f"/rum/{room_id}/filer/{by_name[name]}")
                assert download.status_code == 200
                assert download.content == content
    finally:
        await restored_app.state.portal.engine.dispose()


@pytest.mark.parametrize("database_kind", [d for d in DATABASES if d == "postgresql"])
async def test_the_pg_dump_and_pg_restore_commands_shown_work_as_shown(
    database_url: str, bob: Persona, tmp_path: Path, restore_url: str
) -> None:
    """Without --with-database the operator runs PostgreSQL's tools: what `backup` and
    `restore` print, run as printed, moves the database (README: Backup and restore)."""
    data_dir = tmp_path / "data"
    backup = tmp_path / "backup"
    backup.mkdir()
    status, out, err = await run(["backup", str(backup)], environment(data_dir, database_url))
    assert status == 0, err
    [dump] = [line.strip() for line in out.splitlines() if line.strip().startswith("pg_dump ")]
    assert "@" in dump
    assert "asyncpg" not in dump

    # The operator's order: pg_dump into a new directory, then `backup` into the same one.
    again = tmp_path / "again"
    again.mkdir()
    dumped = await asyncio.create_subprocess_exec(
        *shlex.split(dump.replace(str(backup), str(again)))
    )
    assert await dumped.wait() == 0
    status, out, err = await run(["backup", str(again)], environment(data_dir, database_url))
    assert status == 0, err
    recorded = json.loads((again / "manifest.json").read_text())["database"]["file"]
    assert recorded["path"] == "database.pgdump"
    assert modes(again) == {("dir", 0o700), ("file", 0o600)}

    restored = tmp_path / "restored"
    status, out, err = await run(["restore", str(again)], environment(restored, restore_url))
    assert status == 0, err
    [command] = [line.strip() for line in out.splitlines() if line.strip().startswith("pg_restore")]
    restoring = await asyncio.create_subprocess_exec(*shlex.split(command))
    assert await restoring.wait() == 0
    restored_rows = await every_row(settings_for(restored, restore_url).database_url)
    assert restored_rows == await every_row(database_url)
    assert bob.email in str(restored_rows["person"])


# --- a backup while the portal writes ----------------------------------------------------


async def test_a_backup_taken_while_a_writer_commits_is_consistent(
    sqlite_template: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "portal.db"
    shutil.copy(sqlite_template, database)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    backup = tmp_path / "backup"
    done = asyncio.Event()
    pairs = 0

    async def write_pairs() -> None:
        """Two organisations per transaction: a consistent copy holds both or neither."""
        nonlocal pairs
        while not done.is_set():
            async with session_factory(engine)() as session:
                for half in ("a", "b"):
                    name = f"Bolag {pairs} {half}"
                    session.add(
                        Organisation(
                            name=name,
                            name_key=name.lower(),
                            sort_key=swedish_sort_key(name),
                            kind=OrganisationKind.KOMMUNALT_BOLAG,
                        )
                    )
                await session.commit()
            pairs += 1

    async with engine.begin() as connection:  # a database of some size: the copy takes a while
        await connection.execute(
            sa.text("CREATE TABLE ballast (id INTEGER PRIMARY KEY, body BLOB)"),
        )
        await connection.execute(
            sa.text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                "INSERT INTO ballast (body) SELECT randomblob(8192) FROM n"
            )
        )
    writer = asyncio.create_task(write_pairs())
    await asyncio.sleep(0.2)
    before = pairs
    try:
        status, _, err = await run(["backup", str(backup)], environment(data_dir))
    finally:
        after = pairs
        done.set()
        await writer
        await engine.dispose()

    assert status == 0, err
    assert after > before  # the writer went on committing while the backup ran
    copy = sqlite3.connect(backup / "portal.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = [row[0] for row in copy.execute("SELECT name FROM organisation")]
    finally:
        copy.close()
    copied = {name.rsplit(" ", 1)[0] for name in names}
    assert len(names) == 2 * len(copied)  # every transaction whole: both halves or neither
    assert before <= len(copied) <= after
    assert not (backup / "portal.db-wal").exists()


# --- refusals ----------------------------------------------------------------------------


@pytest.fixture
async def sqlite_backup(sqlite_template: Path, tmp_path: Path) -> Path:
    """A backup of a migrated SQLite portal with one stored file."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "portal.db")
    received = tmp_path / "received"
    received.write_bytes(files.PDF)
    storage.LocalStore(data_dir).put(received, storage.new_key())
    backup = tmp_path / "backup"
    status, _, err = await run(["backup", str(backup)], environment(data_dir))
    assert status == 0, err
    return backup


def nothing_restored(data_dir: Path) -> bool:
    return not (data_dir / "portal.db").exists() and not stored_files(data_dir)


@pytest.mark.parametrize("which", ["uploaded file", "database"])
async def test_restore_refuses_a_changed_file_and_touches_nothing(
    sqlite_backup: Path, tmp_path: Path, which: str
) -> None:
    if which == "database":
        damaged = sqlite_backup / "portal.db"
    else:
        [damaged] = (sqlite_backup / "files").rglob("*/*")
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF  # same size, one byte flipped
    damaged.write_bytes(bytes(content))
    restored = tmp_path / "restored"

    status, out, err = await run(["restore", str(sqlite_backup)], environment(restored))

    assert status == 2
    assert out == ""
    assert str(damaged) in err
    assert "changed or damaged" in err
    assert "Nothing was restored" in err
    assert nothing_restored(restored)


async def test_restore_refuses_a_backup_of_a_newer_portal(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    copy = sqlite3.connect(sqlite_backup / "portal.db")
    with copy:
        copy.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    copy.close()
    written = json.loads((sqlite_backup / "manifest.json").read_text())
    written["database"]["alembic_revision"] = "f00dfeed"
    entry = manifest.measure(sqlite_backup / "portal.db", "portal.db")
    written["database"]["file"] |= {"bytes": entry.size, "sha256": entry.sha256}
    (sqlite_backup / "manifest.json").write_text(json.dumps(written))
    restored = tmp_path / "restored"

    status, _, err = await run(["restore", str(sqlite_backup)], environment(restored))

    assert status == 2
    assert "migration f00dfeed" in err
    assert "newer portal" in err
    assert nothing_restored(restored)


async def test_a_backup_of_an_older_migration_is_restored_and_migrate_is_asked_for(
    tmp_path: Path,
) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = migrate.alembic_config()
    head = migrate.head_revision()
    assert head is not None
    head_script = ScriptDirectory.from_config(config).get_revision(head)
    assert head_script is not None
    older = str(head_script.down_revision)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    await asyncio.to_thread(
        command.upgrade, migrate.alembic_config(f"sqlite+aiosqlite:///{data_dir}/portal.db"), older
    )
    backup = tmp_path / "backup"
    status, _, err = await run(["backup", str(backup)], environment(data_dir))
    assert status == 0, err
    restored = tmp_path / "restored"

    status, out, err = await run(["restore", str(backup)], environment(restored))

    assert status == 0, err
    assert f"migration {older}" in out
    assert "run `partner-portal migrate`" in out
    status, _, err = await run(["migrate"], environment(restored))
    assert status == 0, err


async def test_restore_replaces_a_database_that_is_not_empty_only_with_force(
    sqlite_backup: Path, sqlite_template: Path, tmp_path: Path
) -> None:
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(sqlite_template, restored / "portal.db")
    (restored / "portal.db-wal").write_bytes(b"an old write-ahead log")
    before = (restored / "portal.db").read_bytes()

    status, _, err = await run(["restore", str(sqlite_backup)], environment(restored))

    assert status == 2
    assert "is not empty" in err
    assert "--force" in err
    assert (restored / "portal.db").read_bytes() == before
    assert not stored_files(restored)

    status, _, err = await run(["restore", "--force", str(sqlite_backup)], environment(restored))

    assert status == 0, err
    assert (restored / "portal.db").read_bytes() == (sqlite_backup / "portal.db").read_bytes()
    assert not (restored / "portal.db-wal").exists()
    assert list(stored_files(restored).values()) == [files.PDF]
    assert [p.name for p in (restored / "uploads").iterdir()] == ["files"]  # no leftovers

    status, _, err = await run(["restore", str(sqlite_backup)], environment(restored))
    assert status == 2
    assert "holds 1 file" in err


async def test_restore_refuses_a_backup_of_the_other_kind_of_database(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    restored = tmp_path / "restored"
    elsewhere = "postgresql+asyncpg://portal@127.0.0.1:5432/never_reached"
    status, _, err = await run(["restore", str(sqlite_backup)], environment(restored, elsewhere))

    assert status == 2
    assert "backup of a SQLite database" in err
    assert "configured for PostgreSQL" in err
    assert not stored_files(restored)


async def test_a_missing_or_unusable_directory_is_a_clear_message(
    sqlite_backup: Path, tmp_path: Path
) -> None:
    env = environment(tmp_path / "restored")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    empty = tmp_path / "empty"
    empty.mkdir()
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir()
    (unreadable / "manifest.json").mkdir()  # what reading it meets is an OS error
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"kind": "partner-portal backup", "format": 1}')
    cases = {
        tmp_path / "missing": "does not exist",
        a_file: "is not a directory",
        empty: "holds no manifest.json",
        unreadable: "cannot be read",
        broken: "not a manifest this portal can read",
    }
    for directory, said in cases.items():
        status, out, err = await run(["restore", str(directory)], env)
        assert (status, out) == (2, ""), directory
        assert said in err, err
        assert err.startswith("partner-portal: restore: ")

    data = environment(tmp_path / "no-data")
    for directory, said in {
        sqlite_backup: "is not empty",
        a_file: "is not a directory",
        tmp_path / "no" / "such" / "place": "does not exist",
    }.items():
        status, out, err = await run(["backup", str(directory)], data)
        assert (status, out) == (2, ""), directory
        assert said in err, err
    status, _, err = await run(["backup", str(tmp_path / "new")], data)
    assert status == 2
    assert "no database" in err
    assert not (tmp_path / "new").exists()  # a backup that did not finish leaves nothing


async def test_backup_and_restore_refuse_an_object_store_and_say_how_to_back_it_up(
    tmp_path: Path, sqlite_template: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "portal.db")
    on_s3 = environment(data_dir) | {
        "PORTAL_STORAGE": "s3://partnerportalen/filer",
        "PORTAL_S3_ENDPOINT_URL": "http://127.0.0.1:9",
    }

    backed_up = await run(["backup", str(tmp_path / "backup")], on_s3)
    restored = await run(["restore", str(tmp_path / "backup")], on_s3)

    for status, _, err in (backed_up, restored):
        assert status == 2
        assert "object store (s3://partnerportalen/filer)" in err
        assert "bucket versioning and replication" in err
        assert "Traceback" not in err
    assert not (tmp_path / "backup").exists()
