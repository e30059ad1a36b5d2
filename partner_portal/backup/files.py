"""The uploaded files of a backup: copied out of the file store, and back into a data
directory's store by rename, so the store is the old one or the restored one, never half of
each."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from partner_portal.attachments import storage
from partner_portal.backup import manifest
from partner_portal.backup.manifest import Entry, Refused


def back_up(data_dir: Path, directory: Path) -> list[Entry]:
    """Copy every stored file into ``directory/files``; their entries, in a stable order.

    A file stored after the database was copied is copied too if it is already there: a file
    no row points to, which housekeeping removes after a restore. A file the database points
    to was stored before its row was committed, and stored files are never removed while a
    row points to them: none is missing."""
    entries: list[Entry] = []
    for key, source in sorted(_stored(data_dir)):
        relative = _relative(key)
        target = directory / relative
        manifest.make_private_directory(target.parent)
        entries.append(manifest.copy(source, target, relative))
    return entries


def stored_count(data_dir: Path) -> int:
    return sum(1 for _ in _stored(data_dir))


def check(directory: Path, entries: tuple[Entry, ...]) -> None:
    """Refused unless every file the manifest lists is in the backup, unchanged, under a name
    the file store could have given it."""
    for entry in entries:
        _key(entry.path)
        manifest.check(directory, entry)


def prepare(directory: Path, entries: tuple[Entry, ...], data_dir: Path) -> Path:
    """Copy the backup's files into a new directory beside the data directory's store (the
    same file system, so putting it in place is a rename), checking each again as it is
    copied. Returns that directory; Refused (having removed it) if a file changed meanwhile."""
    root = storage.files_root(data_dir)
    manifest.make_private_directory(root.parent)
    staging = root.with_name(f"{root.name}.restoring-{secrets.token_hex(4)}")
    manifest.make_private_directory(staging)
    try:
        for entry in entries:
            key = _key(entry.path)
            target = staging / key[:2] / key
            manifest.make_private_directory(target.parent)
            if manifest.copy(directory / entry.path, target, entry.path) != entry:
                raise Refused(
                    f"{directory / entry.path} changed while it was being restored. Nothing "
                    "was restored."
                )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def put_in_place(staging: Path, data_dir: Path) -> None:
    """Make the prepared directory the file store: the old store (if any) is renamed aside,
    the new one renamed in, and the old one removed."""
    root = storage.files_root(data_dir)
    aside = root.with_name(f"{root.name}.replaced-{secrets.token_hex(4)}")
    had_old = root.exists()
    if had_old:
        root.rename(aside)
    try:
        staging.rename(root)
    except OSError:
        if had_old:
            aside.rename(root)  # the old store back where it was
        raise
    manifest.sync_directory(root.parent)
    if had_old:
        shutil.rmtree(aside)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def _stored(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Each stored file's key and path (only names the store gives: nothing else under it)."""
    root = storage.files_root(data_dir)
    if not root.is_dir():
        return
    for shard in root.iterdir():
        if not shard.is_dir():
            continue
        for entry in shard.iterdir():
            if storage.is_key(entry.name) and entry.name[:2] == shard.name and entry.is_file():
                yield entry.name, entry


def _relative(key: str) -> str:
    return f"{manifest.FILES}/{key[:2]}/{key}"


def _key(path: str) -> str:
    """The storage key a manifest's path names; Refused for any other path (one that would
    lead out of the backup or the store)."""
    parts = PurePosixPath(path).parts
    if (
        len(parts) != 3
        or parts[0] != manifest.FILES
        or not storage.is_key(parts[2])
        or parts[1] != parts[2][:2]
    ):
        raise Refused(f"{manifest.NAME} names a file {path!r} that no backup holds.")
    return parts[2]
