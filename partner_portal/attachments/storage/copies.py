"""Every stored file copied out of a store into a directory, and back (backup and restore),
through the :class:`Store` interface, so the same for either store. The directory holds the
local store's tree, ``<ab>/<key>``; files are copied in parts, never whole in memory.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from partner_portal.attachments.storage.base import CHUNK, Store, is_key, relative_name


def copy_out(store: Store, directory: Path) -> int:
    """Copy every stored file into ``directory/<ab>/<key>`` (a file already there with the
    same size is kept). Returns how many files the store holds."""
    count = 0
    for entry in store.entries():
        target = directory / relative_name(entry.key)
        count += 1
        if target.is_file() and target.stat().st_size == entry.size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f".{entry.key}.partial")
        stored = store.open(entry.key)
        try:
            with partial.open("wb") as out:
                while chunk := stored.read(CHUNK):
                    out.write(chunk)
        finally:
            stored.close()
        os.replace(partial, target)
    return count


def copy_in(store: Store, directory: Path, scratch: Path) -> int:
    """Put every ``<ab>/<key>`` file under ``directory`` into the store, leaving the directory
    as it is: each is first copied into ``scratch`` (a directory on the local store's file
    system, e.g. ``<data dir>/uploads/tmp``), since a put may move its source. Returns how
    many were put."""
    scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
    count = 0
    for shard in sorted(p for p in directory.iterdir() if p.is_dir()) if directory.is_dir() else []:
        for source in sorted(shard.iterdir()):
            if not (is_key(source.name) and source.name[:2] == shard.name and source.is_file()):
                continue
            copy = scratch / f"restore-{secrets.token_hex(8)}"
            try:
                shutil.copyfile(source, copy)
                store.put(copy, source.name)
            finally:
                copy.unlink(missing_ok=True)
            count += 1
    return count
