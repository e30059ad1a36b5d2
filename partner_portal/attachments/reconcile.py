"""The file store and the database made to agree again after a crash.

Storing an attachment moves its file into the store and then commits its row. A process killed
between the two (or a transaction that failed after the move, should its clean-up not run)
leaves a file that no row points to. Housekeeping removes such files once they are older than
any request could be — a file younger than that may belong to a request still in progress —
and reports rows whose file is missing, which only an operator can put right (from a backup).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.attachments import queries, storage

log = logging.getLogger(__name__)

_BATCH = 500


@dataclass(frozen=True, slots=True)
class Reconciled:
    removed: int  # files no row pointed to
    missing: list[int]  # attachment ids whose file is not in the store


def _stored_keys(data_dir: Path, older_than_seconds: float) -> list[str]:
    """Keys of the files in the store older than the grace period."""
    root = data_dir / "uploads" / "files"
    if not root.is_dir():
        return []
    # File times on disk are the system's, whatever the portal's clock says.
    cutoff = time.time() - older_than_seconds  # noqa: TID251
    keys = []
    for shard in root.iterdir():
        if not shard.is_dir():
            continue
        for entry in shard.iterdir():
            if storage.is_key(entry.name) and entry.stat().st_mtime < cutoff:
                keys.append(entry.name)
    return keys


async def reconcile(db: AsyncSession, data_dir: Path, *, older_than_seconds: float) -> Reconciled:
    """Remove stored files no row points to (older than the grace period); list rows whose
    file is missing. Reads in batches; logs what it did."""
    keys = await asyncio.to_thread(_stored_keys, data_dir, older_than_seconds)
    orphans: list[str] = []
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        known = await queries.known_storage_keys(db, batch)
        orphans.extend(key for key in batch if key not in known)
    await asyncio.to_thread(storage.discard, [storage.path_for(data_dir, k) for k in orphans])
    missing = await _missing(db, data_dir)
    if orphans:
        log.warning("file store: removed %d files that no attachment pointed to", len(orphans))
    if missing:
        log.error(
            "file store: %d attachments have no file (restore from backup): ids %s",
            len(missing),
            ", ".join(str(i) for i in missing[:20]) + (" …" if len(missing) > 20 else ""),
        )
    return Reconciled(len(orphans), missing)


def _absent(data_dir: Path, rows: list[tuple[int, str]]) -> list[int]:
    return [row_id for row_id, key in rows if not storage.path_for(data_dir, key).is_file()]


async def _missing(db: AsyncSession, data_dir: Path) -> list[int]:
    missing: list[int] = []
    after = 0
    while True:
        rows = await queries.stored_files_after(db, after, limit=_BATCH)
        if not rows:
            return missing
        missing.extend(await asyncio.to_thread(_absent, data_dir, rows))
        after = rows[-1][0]
