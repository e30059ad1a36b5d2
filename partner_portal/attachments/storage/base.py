"""What every file store is: the keys, the :class:`Store` protocol and the errors it raises.

A key is random and generated here; nothing a client sends becomes part of a path or an object
name. Every method blocks (disk or network): async code calls them through a thread.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, Protocol

_KEY = re.compile(r"^[0-9a-f]{32}$")

# What a download is read in: the size of each part sent to the client.
CHUNK = 64 * 1024


def new_key() -> str:
    return secrets.token_hex(16)


def is_key(name: str) -> bool:
    return bool(_KEY.match(name))


def check_key(key: str) -> str:
    if not is_key(key):
        raise ValueError("not a storage key")
    return key


def relative_name(key: str) -> str:
    """Where a key lives inside a store, the same in each: ``<ab>/<key>`` (``ab``: its first two
    characters), so that a local directory and a bucket hold the same tree."""
    return f"{check_key(key)[:2]}/{key}"


def system_time() -> float:
    """The system's time, against which the stores' file times are compared (a file's time is
    the system's, whatever the portal's clock says). Tests move it forward to age files."""
    return time.time()  # noqa: TID251


class Entry(NamedTuple):
    key: str
    modified: float  # seconds since the epoch (the store's time of writing)
    size: int


class StoredFile(Protocol):
    """A stored file opened for reading: read it in parts, then close it."""

    @property
    def size(self) -> int: ...

    @property
    def modified(self) -> float: ...

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end."""
        ...

    def close(self) -> None: ...


class Store(Protocol):
    """Where attachments' content lives, by key. Implementations: ``local.LocalStore`` (the data
    directory) and ``s3.S3Store`` (an S3-compatible object store)."""

    def describe(self) -> str:
        """Where, for logs and the operator: a directory or ``s3://bucket/prefix``."""
        ...

    def put(self, source: Path, key: str) -> None:
        """Keep the local file ``source`` (a received upload) under ``key``. The source is the
        store's afterwards: moved, or copied and left for its directory's clean-up. Streams;
        raises OSError (``StoreUnavailable`` when the store cannot be reached)."""
        ...

    def open(self, key: str) -> StoredFile:
        """The file for reading in parts; FileNotFoundError when the store does not have it."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, keys: Iterable[str]) -> None:
        """Remove these files; one the store does not have is no error."""
        ...

    def entries(self) -> Iterator[Entry]:
        """Every stored file (in no particular order), read as it goes."""
        ...

    def probe(self) -> None:
        """Raise OSError when the store cannot take files now (``/readyz``)."""
        ...

    def sweep(self, older_than_seconds: float) -> int:
        """Remove what interrupted writes left inside the store (not files), older than this;
        returns how many."""
        ...


class StoreUnavailable(OSError):
    """The store could not be reached or refused the request (a network store: the address,
    the credentials, the bucket). ``errno`` says what kind, as for a disk: ENOSPC when it is
    full, EACCES when refused, EIO otherwise."""


def keys_older_than(store: Store, seconds: float) -> list[str]:
    """The keys of stored files written more than ``seconds`` ago."""
    cutoff = system_time() - seconds
    return [entry.key for entry in store.entries() if entry.modified < cutoff]
