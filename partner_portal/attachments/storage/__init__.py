"""Where attachments' content lives: one :class:`Store` interface (``base``), two stores.

``PORTAL_STORAGE=local`` (the default): ``<data dir>/uploads/files/<ab>/<key>`` (``local``).
``PORTAL_STORAGE=s3://bucket/prefix``: an S3-compatible object store shared by several hosts
(``s3``, which alone loads boto3). Uploads are received into ``<data dir>/uploads/tmp`` either
way (partner_portal/platform/uploads.py) and put into the store from there.

Backup and restore copy every stored file out and back through the interface (``copy_out``,
``copy_in``), so the same for either store.

The store's methods block; the async helpers here run them in a thread, and the clean-up ones
finish even when the request that started them is cancelled.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
from anyio import CancelScope

from partner_portal.attachments.storage import base
from partner_portal.attachments.storage.base import (
    CHUNK,
    Entry,
    Store,
    StoredFile,
    StoreUnavailable,
    is_key,
    keys_older_than,
    new_key,
)
from partner_portal.attachments.storage.copies import copy_in, copy_out
from partner_portal.attachments.storage.local import (
    LocalStore,
    files_root,
    probe_writable,
    sweep_abandoned,
)
from partner_portal.platform.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "CHUNK",
    "Entry",
    "LocalStore",
    "Store",
    "StoreUnavailable",
    "StoredFile",
    "base",
    "copy_in",
    "copy_out",
    "discard",
    "files_root",
    "is_key",
    "keep",
    "keys_older_than",
    "new_key",
    "open_file",
    "probe_writable",
    "store_for",
    "sweep_abandoned",
]


def store_for(settings: Settings) -> Store:
    """The store the settings name; one per process and address (it keeps its connections)."""
    return _store(
        settings.storage,
        settings.data_dir,
        settings.s3_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        str(settings.s3_secret_access_key),
    )


@functools.lru_cache(maxsize=16)
def _store(
    storage: str, data_dir: Path, endpoint: str, region: str, key_id: str, secret: str
) -> Store:
    if storage == "local":
        return LocalStore(data_dir)
    from partner_portal.attachments.storage.s3 import S3Store  # boto3: only when asked for

    address = urlsplit(storage)  # checked by the settings: s3://bucket[/prefix]
    return S3Store(
        address.netloc,
        address.path.strip("/"),
        endpoint=endpoint,
        region=region,
        key_id=key_id,
        secret=secret,
    )


async def keep(store: Store, received: Path, key: str) -> None:
    """Put a received file into the store. Shielded: a request cancelled meanwhile (the client
    went away) still learns whether the file was stored, and so can remove it again."""
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(store.put, received, key)


async def discard(store: Store, keys: Sequence[str]) -> None:
    """Undo ``keep`` when the transaction that recorded the files did not commit. Finishes even
    in a cancelled request; what it cannot remove, housekeeping does later (``reconcile``)."""
    if not keys:
        return
    with CancelScope(shield=True):
        try:
            await anyio.to_thread.run_sync(store.delete, list(keys))
        except OSError as exc:  # left to housekeeping: files no row points to, an hour old
            log.warning("file store: could not remove %d unrecorded files: %s", len(keys), exc)


async def open_file(store: Store, key: str) -> StoredFile:
    """The stored file opened for reading (FileNotFoundError when the store lacks it)."""
    return await anyio.to_thread.run_sync(store.open, key)
