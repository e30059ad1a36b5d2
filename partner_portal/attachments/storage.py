"""Where attachments' content lives: ``<data dir>/uploads/files/<ab>/<key>``, outside ``static/``.

The key is random and generated here; nothing a client sends becomes part of a path.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

_KEY = re.compile(r"^[0-9a-f]{32}$")


def new_key() -> str:
    return secrets.token_hex(16)


def is_key(name: str) -> bool:
    return bool(_KEY.match(name))


def files_root(data_dir: Path) -> Path:
    """The directory every stored file lies under (in a subdirectory named by its key's first
    two characters)."""
    return data_dir / "uploads" / "files"


def path_for(data_dir: Path, key: str) -> Path:
    if not is_key(key):
        raise ValueError("not a storage key")
    return files_root(data_dir) / key[:2] / key


def keep(data_dir: Path, received: Path, key: str) -> Path:
    """Move a received temporary file into the store (a rename: same file system)."""
    target = path_for(data_dir, key)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(received, target)
    return target


def probe_writable(data_dir: Path) -> None:
    """Write and remove a small file where uploads are received; raises OSError when the file
    store cannot be written (full, read-only, not ours)."""
    root = data_dir / "uploads" / "tmp"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    probe = root / f"ready-{secrets.token_hex(8)}"
    try:
        with probe.open("xb") as out:
            out.write(b"ready")
    finally:
        probe.unlink(missing_ok=True)


def discard(paths: Iterable[Path]) -> None:
    """Undo ``keep`` when the transaction that recorded the files did not commit."""
    for path in paths:
        path.unlink(missing_ok=True)


def sweep_abandoned(data_dir: Path, older_than_seconds: float) -> int:
    """Remove request directories under ``uploads/tmp`` that a killed process left behind (a
    living request removes its own). Returns how many were removed."""
    root = data_dir / "uploads" / "tmp"
    if not root.is_dir():
        return 0
    # File times on disk are the system's, whatever the portal's clock says.
    cutoff = time.time() - older_than_seconds  # noqa: TID251
    removed = 0
    for entry in root.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
