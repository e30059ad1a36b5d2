"""Backing up and restoring, step by step: each step checks before the next one writes, and
what is restored is put in place by rename only once every file has been checked.

Both functions return what to tell the operator (lines for stdout) and raise
:class:`~partner_portal.backup.manifest.Refused` with the reason when they cannot go on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from partner_portal import __version__
from partner_portal.attachments import storage
from partner_portal.backup import files, manifest, postgres, sqlite
from partner_portal.backup.manifest import Entry, Manifest, Refused
from partner_portal.platform import clock, migrate
from partner_portal.platform.settings import Settings

PERSONAL_DATA = (
    "The backup holds personal data: keep it on encrypted storage that only the operators can "
    "read, and delete it when the retention period has passed (README: Backup and restore)."
)


def back_up(settings: Settings, directory: Path, *, with_database: bool = False) -> list[str]:
    """Write a backup of the configured portal into ``directory`` (new, or empty; on PostgreSQL
    it may already hold the ``database.pgdump`` the operator's pg_dump just wrote)."""
    _local_store_only(settings, "backed up")
    kind = _kind(settings)
    dump = directory / manifest.POSTGRES_FILE
    keep = {manifest.POSTGRES_FILE} if kind == "postgresql" and not with_database else set()
    created = _prepare_directory(directory, keep)
    try:
        database_file: Entry | None
        if kind == "sqlite":
            source = sqlite.database_path(settings.database_url)
            revision, database_file = sqlite.snapshot(source, directory / manifest.SQLITE_FILE)
        else:
            # Before the files: every file the dump's rows point to is then in the copy.
            revision = _postgres_revision(settings.database_url)
            if with_database:
                with manifest.create_private(dump):
                    pass  # pg_dump writes into a file only the owner can read
                postgres.run(
                    postgres.dump_command(settings.database_url, dump), settings.database_url
                )
            database_file = None
            if dump.is_file():
                dump.chmod(0o600)
                database_file = manifest.measure(dump, manifest.POSTGRES_FILE)
        entries = files.back_up(settings.data_dir, directory)
        written = Manifest(
            portal_version=__version__,
            created_at=clock.now().isoformat(timespec="seconds"),
            database_kind=kind,
            alembic_revision=revision,
            database_file=database_file,
            files=tuple(entries),
        )
        manifest.write(directory, written)
    except BaseException:
        _remove_written(directory, keep, created)
        raise
    lines = [f"Backup written to {directory}: {_contents(written)}."]
    if kind == "postgresql" and database_file is None:
        command = postgres.dump_command(settings.database_url, dump)
        lines += [
            "The database itself is not in it: PostgreSQL's pg_dump backs it up. Run, just "
            "before `partner-portal backup` (into the same, new directory),",
            f"  {postgres.shown(command)}",
            "(the password from PGPASSWORD or ~/.pgpass); the manifest then records the dump "
            "too. With pg_dump on this machine, `partner-portal backup --with-database DIR` "
            "does both.",
        ]
    elif kind == "postgresql":
        lines.append(f"The database was dumped with pg_dump into {dump}.")
    return [*lines, PERSONAL_DATA]


def restore(
    settings: Settings, directory: Path, *, force: bool = False, with_database: bool = False
) -> list[str]:
    """Restore the backup in ``directory`` into the configured data directory (and, on SQLite
    or with ``with_database``, the configured database)."""
    _local_store_only(settings, "restored")
    found = manifest.read(directory)
    kind = _kind(settings)
    if found.database_kind != kind:
        raise Refused(
            f"this is a backup of a {_name(found.database_kind)} database, and this portal is "
            f"configured for {_name(kind)} (PORTAL_DATABASE_URL). Nothing was restored."
        )
    head = migrate.head_revision()
    if found.alembic_revision not in migrate.known_revisions():
        raise Refused(
            f"the backup's database is at migration {found.alembic_revision}, which this "
            f"version of the portal ({__version__}, latest migration {head}) does not know: it "
            f"was made by a newer portal ({found.portal_version}). Restore it with that version "
            "or a later one. Nothing was restored."
        )
    restores_database = kind == "sqlite" or with_database
    expected_file = manifest.SQLITE_FILE if kind == "sqlite" else manifest.POSTGRES_FILE
    if found.database_file is not None and found.database_file.path != expected_file:
        raise Refused(f"{manifest.NAME} names a database file that no {kind} backup holds.")
    if restores_database and found.database_file is None:
        raise Refused(
            f"{directory} holds no database dump (the backup was made without pg_dump); "
            "restore the uploaded files without --with-database and the database from the "
            "dump made with it."
        )

    # Every file checked before anything is touched.
    if found.database_file is not None:
        manifest.check(directory, found.database_file)
    files.check(directory, found.files)

    database = sqlite.database_path(settings.database_url) if kind == "sqlite" else None
    tables = 0
    occupied = []
    if database is not None and sqlite.holds_tables(database):
        occupied.append(f"the database {database} is not empty")
    if kind == "postgresql" and with_database:
        tables = postgres.inspect(settings.database_url)[0]
        if tables:
            occupied.append(f"the database has {tables} tables")
    if stored := files.stored_count(settings.data_dir):
        root = storage.files_root(settings.data_dir)
        occupied.append(f"the file store {root} holds {_plural(stored, 'file')}")
    if occupied and not force:
        raise Refused(
            f"{' and '.join(occupied)}. Restore replaces them only with --force (stop every "
            "portal process first). Nothing was restored."
        )

    staged_files = files.prepare(directory, found.files, settings.data_dir)
    staged_database: Path | None = None
    try:
        if database is not None and found.database_file is not None:
            staged_database, revision = sqlite.prepare(directory, found.database_file, database)
            _same_revision(revision, found)
        elif with_database:
            command = postgres.restore_command(
                settings.database_url, directory / manifest.POSTGRES_FILE, replace=tables > 0
            )
            postgres.run(command, settings.database_url)
            _same_revision(postgres.inspect(settings.database_url)[1], found)
    except BaseException:
        files.discard(staged_files)
        if staged_database is not None:
            staged_database.unlink(missing_ok=True)
        raise
    files.put_in_place(staged_files, settings.data_dir)
    if database is not None and staged_database is not None:
        sqlite.put_in_place(staged_database, database)

    lines = [
        f"Restored the backup made at {found.created_at} by Partnerportalen "
        f"{found.portal_version}:",
        f"  {_count(found)} into {storage.files_root(settings.data_dir)}",
    ]
    if database is not None:
        lines.append(f"  the database (migration {found.alembic_revision}) into {database}")
    elif with_database:
        lines.append(f"  the database (migration {found.alembic_revision}) with pg_restore")
    else:
        lines += _pg_restore_procedure(settings, directory, found)
    if found.alembic_revision != head:
        lines.append(
            f"The backup's database is at migration {found.alembic_revision} and this portal's "
            f"latest is {head}: run `partner-portal migrate` before starting the portal."
        )
    return lines


def _pg_restore_procedure(settings: Settings, directory: Path, found: Manifest) -> list[str]:
    dump = (directory / manifest.POSTGRES_FILE).resolve()
    if found.database_file is None:
        source = "the dump pg_dump made with this backup"
        dump = Path("DUMP")
    else:
        source = str(dump)
    command = postgres.restore_command(settings.database_url, dump)
    return [
        f"The database is restored from {source} with PostgreSQL's pg_restore, into an empty "
        "database the portal's role owns (as a superuser: createdb --owner=ROLE NAME), every "
        "portal process stopped:",
        f"  {postgres.shown(command)}",
        "(the password from PGPASSWORD or ~/.pgpass; `partner-portal restore --with-database` "
        "runs it itself).",
    ]


def _same_revision(revision: str | None, found: Manifest) -> None:
    if revision != found.alembic_revision:
        raise Refused(
            f"the restored database is at migration {revision}, not {found.alembic_revision} "
            f"as {manifest.NAME} says: the backup is inconsistent. Nothing was restored."
        )


def _prepare_directory(directory: Path, keep: set[str]) -> bool:
    """Make ``directory`` ready (0700): new, or empty but for the names in ``keep``. Returns
    whether it was created here."""
    if directory.exists():
        if not directory.is_dir():
            raise Refused(f"{directory} is not a directory.")
        others = sorted(p.name for p in directory.iterdir() if p.name not in keep)
        if others:
            raise Refused(
                f"{directory} is not empty ({', '.join(others[:3])}"
                f"{', …' if len(others) > 3 else ''}): a backup goes into a new or empty "
                "directory."
            )
        directory.chmod(0o700)
        return False
    if not directory.parent.is_dir():
        raise Refused(f"{directory.parent} does not exist (make it first, or choose another).")
    directory.mkdir(mode=0o700)
    directory.chmod(0o700)
    return True


def _remove_written(directory: Path, keep: set[str], created: bool) -> None:
    """Undo a backup that did not finish (the operator's own pg_dump file stays)."""
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if created:
        directory.rmdir()


def _postgres_revision(database_url: str) -> str:
    revision = postgres.inspect(database_url)[1]
    if revision is None:
        raise Refused("the database has no migrations applied: nothing to back up.")
    return revision


def _local_store_only(settings: Settings, done: str) -> None:
    """The uploads are copied from and to the data directory's file store. An object store
    (PORTAL_STORAGE=s3://…) keeps them itself: its versioning and replication are its backup,
    and copying a bucket through this command would hold the portal's backup to one host's
    disk. Refused before anything is written."""
    if settings.storage != "local":
        raise Refused(
            f"the uploads are kept in an object store ({settings.storage}): back them up with "
            "the store's own means (bucket versioning and replication, README: Backup and "
            f"restore). Nothing was {done}; for the database alone use pg_dump and pg_restore "
            "as README says."
        )


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.sqlite else "postgresql"


def _name(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _count(found: Manifest) -> str:
    size = f"{found.files_bytes:,}".replace(",", " ")
    return f"{_plural(len(found.files), 'uploaded file')} ({size} bytes)"


def _contents(found: Manifest) -> str:
    database = f"the database ({_name(found.database_kind)}, migration {found.alembic_revision})"
    if found.database_file is None:
        return f"{_count(found)}; not {database}"
    return f"{database} and {_count(found)}"
