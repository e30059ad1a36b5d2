"""Attachments kept in the data directory: ``<data dir>/uploads/files/<ab>/<key>``, outside
``static/``; and the directory uploads are received in, ``<data dir>/uploads/tmp``, which stays
on the local disk whichever store keeps the files.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from partner_portal.attachments.storage import base
from partner_portal.attachments.storage.base import (
    Entry,
    StoredFile,
    is_key,
    relative_name,
)


def files_root(data_dir: Path) -> Path:
    return data_dir / "uploads" / "files"


def receiving_root(data_dir: Path) -> Path:
    return data_dir / "uploads" / "tmp"


class _LocalFile:
    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        status = os.fstat(file.fileno())
        self.size = status.st_size
        self.modified = status.st_mtime

    def read(self, size: int) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


class LocalStore:
    """The files in the data directory: a put is a rename of the received file (the same file
    system), so it costs nothing however large the file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.root = files_root(data_dir)

    def describe(self) -> str:
        return f"the directory {self.root}"

    def path_for(self, key: str) -> Path:
        return self.root / relative_name(key)

    def put(self, source: Path, key: str) -> None:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(source, target)

    def open(self, key: str) -> StoredFile:
        return _LocalFile(self.path_for(key).open("rb"))

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.path_for(key).unlink(missing_ok=True)

    def entries(self) -> Iterator[Entry]:
        if not self.root.is_dir():
            return
        for shard in self.root.iterdir():
            if not shard.is_dir():
                continue
            for path in shard.iterdir():
                if not is_key(path.name) or path.name[:2] != shard.name:
                    continue
                try:
                    status = path.stat()
                except FileNotFoundError:  # removed meanwhile
                    continue
                yield Entry(path.name, status.st_mtime, status.st_size)

    def probe(self) -> None:
        """The directory may be written (``probe_writable`` has written to its file system)."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "the file store's directory cannot be written")

    def sweep(self, older_than_seconds: float) -> int:
        return 0  # a rename leaves nothing half-written in the store


def probe_writable(data_dir: Path) -> None:
    """Write and remove a small file where uploads are received; raises OSError when that cannot
    be written (full, read-only, not ours)."""
    root = receiving_root(data_dir)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    probe = root / f"ready-{secrets.token_hex(8)}"
    try:
        with probe.open("xb") as out:
            out.write(b"ready")
    finally:
        probe.unlink(missing_ok=True)


def sweep_abandoned(data_dir: Path, older_than_seconds: float) -> int:
    """Remove request directories under ``uploads/tmp`` that a killed process left behind (a
    living request removes its own). Returns how many were removed."""
    root = receiving_root(data_dir)
    if not root.is_dir():
        return 0
    cutoff = base.system_time() - older_than_seconds
    removed = 0
    for entry in root.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
