"""What a backup directory holds, written down in ``manifest.json``; files copied and hashed as
they stream (never a whole file in memory), readable by the owner alone.

A backup directory::

    manifest.json          written last: a directory without it is no (finished) backup
    portal.db              SQLite: the database, copied with SQLite's online backup API
    database.pgdump        PostgreSQL with --with-database: ``pg_dump --format=custom``
    files/<ab>/<key>       every stored upload, under the name the file store gives it
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "manifest.json"
FORMAT = 1
KIND = "partner-portal backup"
FILES = "files"
SQLITE_FILE = "portal.db"
POSTGRES_FILE = "database.pgdump"
NOTE = (
    "Holds personal data (people, organisations, comments, uploaded files): keep it on "
    "encrypted storage readable by the operators alone, and delete it when the retention "
    "period the privacy text names has passed."
)
_CHUNK = 1024 * 1024
_SHA256 = frozenset("0123456789abcdef")


class Refused(Exception):
    """The backup or restore cannot go on; the message says why, for the operator."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a backup: its path inside the backup directory, size and SHA-256."""

    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "bytes": self.size, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class Manifest:
    portal_version: str
    created_at: str  # ISO 8601, from the portal's clock
    database_kind: str  # "sqlite" or "postgresql"
    alembic_revision: str
    database_file: Entry | None  # None: PostgreSQL without --with-database
    files: tuple[Entry, ...]

    @property
    def files_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": KIND,
            "note": NOTE,
            "portal_version": self.portal_version,
            "created_at": self.created_at,
            "database": {
                "kind": self.database_kind,
                "alembic_revision": self.alembic_revision,
                "file": self.database_file.as_json() if self.database_file else None,
            },
            "files": {
                "count": len(self.files),
                "bytes": self.files_bytes,
                "entries": [entry.as_json() for entry in self.files],
            },
        }


def write(directory: Path, manifest: Manifest) -> None:
    """Write the manifest beside what it describes, by rename: it appears whole or not at all."""
    temporary = directory / f".{NAME}.{secrets.token_hex(4)}"
    with create_private(temporary) as out:
        out.write(json.dumps(manifest.as_json(), indent=2, ensure_ascii=False).encode() + b"\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, directory / NAME)
    sync_directory(directory)


def read(directory: Path) -> Manifest:
    """The manifest of the backup in ``directory``; Refused when there is none or it is not one
    this portal wrote (each reason in one sentence)."""
    if not directory.exists():
        raise Refused(f"{directory} does not exist.")
    if not directory.is_dir():
        raise Refused(f"{directory} is not a directory.")
    path = directory / NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Refused(
            f"{directory} holds no {NAME}: it is not a backup made by `partner-portal backup`, "
            "or one that did not finish."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(f"{path} cannot be read ({_reason(exc)}).") from None
    try:
        return _parse(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused(f"{path} is not a manifest this portal can read ({_reason(exc)}).") from None


def _parse(data: Any) -> Manifest:
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ValueError("not a partner-portal backup manifest")
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r}; this portal reads format {FORMAT}")
    database = data["database"]
    kind = database["kind"]
    if kind not in ("sqlite", "postgresql"):
        raise ValueError(f"unknown database kind {kind!r}")
    revision = _text(database["alembic_revision"], "alembic_revision")
    file = database.get("file")
    database_file = _entry(file) if file is not None else None
    files = tuple(_entry(item) for item in data["files"]["entries"])
    return Manifest(
        portal_version=_text(data["portal_version"], "portal_version"),
        created_at=_text(data["created_at"], "created_at"),
        database_kind=kind,
        alembic_revision=revision,
        database_file=database_file,
        files=files,
    )


def _entry(item: Any) -> Entry:
    if not isinstance(item, dict):
        raise ValueError("a file entry is not an object")
    size, sha256 = item["bytes"], item["sha256"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError(f"bad size {size!r}")
    if not isinstance(sha256, str) or len(sha256) != 64 or not set(sha256) <= _SHA256:
        raise ValueError(f"bad SHA-256 {sha256!r}")
    return Entry(_text(item["path"], "path"), size, sha256)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} is missing")
    return value


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, KeyError):
        return f"{exc.args[0]} is missing"
    return str(exc) or type(exc).__name__


# --- files, streamed ---------------------------------------------------------------------


def create_private(path: Path) -> Any:
    """A new file only its owner may read or write (0600); refuses one that exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def make_private_directory(path: Path) -> None:
    """The directory ``path``, and each of its parents that is not there yet, made so that only
    the owner may enter them (0700). Directories already there are left as they are."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        directory.chmod(0o700)  # whatever the umask


def copy(source: Path, target: Path, path: str) -> Entry:
    """Copy ``source`` to the new file ``target`` (0600) in chunks, hashing on the way, and make
    it durable; the entry names it ``path``."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as read_from, create_private(target) as out:
        while chunk := read_from.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return Entry(path, size, digest.hexdigest())


def measure(source: Path, path: str) -> Entry:
    """The size and SHA-256 of ``source``, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as read_from:
        while chunk := read_from.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Entry(path, size, digest.hexdigest())


def check(directory: Path, expected: Entry) -> None:
    """Refused unless the backup's file is there with the size and SHA-256 the manifest
    gives."""
    source = directory / expected.path
    try:
        found = measure(source, expected.path)
    except FileNotFoundError:
        raise Refused(f"{source} is missing from the backup.") from None
    except OSError as exc:
        raise Refused(f"{source} cannot be read ({_reason(exc)}).") from None
    if found != expected:
        raise Refused(
            f"{source} is not the file the backup was made with (its size or SHA-256 differs "
            f"from {NAME}'s): the backup was changed or damaged. Nothing was restored."
        )


def sync_directory(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
