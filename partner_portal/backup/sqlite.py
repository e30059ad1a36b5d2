"""The SQLite database of a backup: a consistent copy of the live file through SQLite's online
backup API (safe while ``serve`` reads and writes), and the copy put back by rename."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from partner_portal.backup import manifest
from partner_portal.backup.manifest import Entry, Refused
from partner_portal.platform.db import SQLITE_BUSY_TIMEOUT_MS


def database_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:" or "mode=memory" in database_url:
        raise Refused("the configured SQLite database is in memory: there is nothing to back up.")
    return Path(path)


def snapshot(database: Path, target: Path) -> tuple[str, Entry]:
    """Copy the live database into the new file ``target`` (0600) in one step of the backup
    API: one read transaction, so the copy is the database as one commit left it, while
    writers go on (write-ahead log). Returns the copy's Alembic revision and its entry."""
    if not database.is_file():
        raise Refused(f"there is no database at {database}: nothing to back up.")
    with manifest.create_private(target):
        pass  # the copy is made in a file only the owner can read
    try:
        source = _open(database)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                # One self-contained file: no write-ahead log beside the copy.
                copy.execute("PRAGMA journal_mode=DELETE")
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
                revision = _revision(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise Refused(f"the database at {database} cannot be copied ({exc}).") from None
    if problems != ["ok"]:
        raise Refused(f"the copy of {database} fails SQLite's integrity check: {problems[:3]}.")
    if revision is None:
        raise Refused(f"the database at {database} has no migrations applied: nothing to back up.")
    return revision, manifest.measure(target, manifest.SQLITE_FILE)


def holds_tables(database: Path) -> bool:
    """Whether a database file is there with any table in it (it was migrated, or used)."""
    if not database.exists():
        return False
    try:
        connection = _open(database)
        try:
            found = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            return bool(found.fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise Refused(f"the database at {database} cannot be read ({exc}).") from None


def prepare(directory: Path, entry: Entry, database: Path) -> tuple[Path, str | None]:
    """Copy the backup's database beside the configured one (same file system: putting it in
    place is a rename), checking it again as it is copied; returns the copy and its Alembic
    revision. Refused (having removed the copy) if it changed or cannot be read."""
    database.parent.mkdir(parents=True, exist_ok=True)
    staging = database.with_name(f".{database.name}.restoring-{secrets.token_hex(4)}")
    try:
        if manifest.copy(directory / entry.path, staging, entry.path) != entry:
            raise Refused(
                f"{directory / entry.path} changed while it was being restored. Nothing was "
                "restored."
            )
        try:
            connection = _open(staging)
            try:
                revision = _revision(connection)
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise Refused(f"{directory / entry.path} is not a usable database ({exc}).") from None
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return staging, revision


def put_in_place(staging: Path, database: Path) -> None:
    """Make the prepared copy the database. The old file's write-ahead log and shared memory go
    first: SQLite would otherwise apply the old log to the new file."""
    for suffix in ("-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    staging.replace(database)
    manifest.sync_directory(database.parent)


def _open(path: Path) -> sqlite3.Connection:
    """An existing database (never creates one), waiting for a writer as the portal does."""
    uri = f"{path.resolve().as_uri()}?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # no such table: never migrated
    return str(row[0]) if row else None
