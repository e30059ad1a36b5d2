"""The file store and the database made to agree again after a crash.

Storing an attachment puts its file into the store and then commits its row. A process killed
between the two (or a transaction that failed after the put, should its clean-up not run)
leaves a file that no row points to. Housekeeping removes such files once they are older than
any request could be — a file younger than that may belong to a request still in progress —
and reports rows whose file is missing, which only an operator can put right (from a backup).

The same for either store: the store is listed once per run (a directory walk, or one request
per thousand objects), its old keys looked up in the database in batches, and the rows' keys
compared with what was listed — each one found missing looked for once more, since its file may
have been stored after the listing began.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.attachments import queries
from partner_portal.attachments.storage import Store, base

log = logging.getLogger(__name__)

_BATCH = 500


@dataclass(frozen=True, slots=True)
class Reconciled:
    removed: int  # files no row pointed to
    missing: list[int]  # attachment ids whose file is not in the store


def _listed(store: Store, older_than_seconds: float) -> tuple[set[str], list[str]]:
    """Every stored key, and those written longer ago than the grace period."""
    cutoff = base.system_time() - older_than_seconds
    present: set[str] = set()
    old: list[str] = []
    for entry in store.entries():
        present.add(entry.key)
        if entry.modified < cutoff:
            old.append(entry.key)
    return present, old


async def reconcile(db: AsyncSession, store: Store, *, older_than_seconds: float) -> Reconciled:
    """Remove stored files no row points to (older than the grace period); list rows whose
    file is missing. Reads in batches; logs what it did."""
    present, old = await asyncio.to_thread(_listed, store, older_than_seconds)
    orphans: list[str] = []
    for start in range(0, len(old), _BATCH):
        batch = old[start : start + _BATCH]
        known = await queries.known_storage_keys(db, batch)
        orphans.extend(key for key in batch if key not in known)
    if orphans:
        await asyncio.to_thread(store.delete, orphans)
    missing = await _missing(db, store, present)
    where = store.describe()
    if orphans:
        log.warning(
            "file store: removed %d files that no attachment pointed to from %s",
            len(orphans),
            where,
        )
    if missing:
        log.error(
            "file store: %d attachments have no file in %s (restore from backup): ids %s",
            len(missing),
            where,
            ", ".join(str(i) for i in missing[:20]) + (" …" if len(missing) > 20 else ""),
        )
    return Reconciled(len(orphans), missing)


def _absent(store: Store, rows: list[tuple[int, str]]) -> list[int]:
    return [row_id for row_id, key in rows if not store.exists(key)]


async def _missing(db: AsyncSession, store: Store, present: set[str]) -> list[int]:
    missing: list[int] = []
    after = 0
    while True:
        rows = await queries.stored_files_after(db, after, limit=_BATCH)
        if not rows:
            return missing
        unlisted = [(row_id, key) for row_id, key in rows if key not in present]
        if unlisted:
            missing.extend(await asyncio.to_thread(_absent, store, unlisted))
        after = rows[-1][0]
