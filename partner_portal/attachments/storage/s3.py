"""Attachments kept in an S3-compatible object store (Amazon S3, MinIO, Ceph), shared by every
host: ``s3://bucket/prefix`` holds ``<prefix>/<ab>/<key>``, the same tree as the local store's
``uploads/files/``. The only module that uses boto3 (and botocore, s3transfer); imported only
when PORTAL_STORAGE names a bucket, so a process without one never loads them.

Both ways stream: a put sends the received file in parts of ``PART`` (multipart above it, a few
parts at once), an opened file is read from the response as the client takes it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import boto3.session
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from partner_portal.attachments.storage import base
from partner_portal.attachments.storage.base import (
    Entry,
    StoredFile,
    StoreUnavailable,
    is_key,
    relative_name,
)

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from types_boto3_s3 import S3Client

PART = 8 * 1024 * 1024  # boto3's default part size; S3 allows 5 MiB at least
_DELETE_BATCH = 1000  # the most one DeleteObjects takes

# What a refusal means, as a disk would say it (StorageUnavailable: 507 when full).
_ERRNO_BY_CODE = {
    "AccessDenied": errno.EACCES,
    "InvalidAccessKeyId": errno.EACCES,
    "SignatureDoesNotMatch": errno.EACCES,
    "AllAccessDisabled": errno.EACCES,
    "XMinioStorageFull": errno.ENOSPC,
    "QuotaExceeded": errno.EDQUOT,
    "EntityTooLarge": errno.EFBIG,
}
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


@functools.lru_cache(maxsize=8)
def _client(endpoint: str, region: str, key_id: str, secret: str, *, probe: bool) -> S3Client:
    """One client per store address and purpose, shared by the process's threads (boto3's
    clients are thread-safe). The probe's answers within a few seconds and tries once."""
    config = Config(
        region_name=region or ("us-east-1" if endpoint else None),
        signature_version="s3v4",
        # Another store than Amazon's: bucket in the path (MinIO and Ceph need no wildcard DNS).
        s3={"addressing_style": "path"} if endpoint else None,
        connect_timeout=2 if probe else 5,
        read_timeout=5 if probe else 60,
        retries={"mode": "standard", "max_attempts": 1 if probe else 3},
        # Checksums only where S3 requires them: older Ceph and MinIO refuse the newer trailers.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        max_pool_connections=20,
    )
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint or None,
        aws_access_key_id=key_id or None,
        aws_secret_access_key=secret or None,
        config=config,
    )


@contextlib.contextmanager
def _translated(what: str) -> Iterator[None]:
    """botocore's errors as OSError (FileNotFoundError for a missing object), so the callers
    treat a store that cannot be reached as they treat a disk that cannot be written."""
    try:
        yield
    except ClientError as exc:
        raise _as_os_error(exc, what) from exc
    except Boto3Error as exc:  # S3UploadFailedError: the ClientError is its context
        cause = exc.__context__
        if isinstance(cause, ClientError):
            raise _as_os_error(cause, what) from exc
        raise StoreUnavailable(errno.EIO, f"{what}: {exc}") from exc
    except BotoCoreError as exc:  # unreachable, timed out, no credentials
        raise StoreUnavailable(errno.EIO, f"{what}: {exc}") from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _as_os_error(exc: ClientError, what: str) -> OSError:
    code = _code(exc)
    if code in _MISSING_CODES:
        return FileNotFoundError(errno.ENOENT, f"{what}: not in the store")
    return StoreUnavailable(_ERRNO_BY_CODE.get(code, errno.EIO), f"{what}: {exc}")


class _S3File:
    def __init__(self, body: StreamingBody, size: int, modified: float) -> None:
        self._body = body
        self.size = size
        self.modified = modified

    def read(self, size: int) -> bytes:
        with _translated("read"):
            return self._body.read(size)

    def close(self) -> None:
        self._body.close()


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str,
        *,
        endpoint: str = "",
        region: str = "",
        key_id: str = "",
        secret: str = "",
        part_size: int = PART,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._client = _client(endpoint, region, key_id, secret, probe=False)
        self._probe_client = _client(endpoint, region, key_id, secret, probe=True)
        self._transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=4,  # parts in flight per upload; each is read from the file as sent
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def name_for(self, key: str) -> str:
        return self.prefix + relative_name(key)

    def put(self, source: Path, key: str) -> None:
        with _translated(f"store {self.name_for(key)}"):
            self._client.upload_file(
                str(source), self.bucket, self.name_for(key), Config=self._transfer
            )

    def open(self, key: str) -> StoredFile:
        with _translated(f"read {self.name_for(key)}"):
            answer = self._client.get_object(Bucket=self.bucket, Key=self.name_for(key))
        return _S3File(answer["Body"], answer["ContentLength"], answer["LastModified"].timestamp())

    def exists(self, key: str) -> bool:
        try:
            with _translated(f"look for {self.name_for(key)}"):
                self._client.head_object(Bucket=self.bucket, Key=self.name_for(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, keys: Iterable[str]) -> None:
        names = [self.name_for(key) for key in keys]
        for start in range(0, len(names), _DELETE_BATCH):
            batch = names[start : start + _DELETE_BATCH]
            with _translated(f"remove {len(batch)} objects"):
                answer = self._client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": name} for name in batch], "Quiet": True},
                )
            if failed := answer.get("Errors"):
                first = failed[0]
                raise StoreUnavailable(
                    _ERRNO_BY_CODE.get(first.get("Code", ""), errno.EIO),
                    f"could not remove {len(failed)} objects, e.g. {first.get('Key')}: "
                    f"{first.get('Code')} {first.get('Message')}",
                )

    def entries(self) -> Iterator[Entry]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with _translated(f"list {self.describe()}"):
            for page in pages:
                for item in page.get("Contents", []):
                    shard, _, key = item["Key"][len(self.prefix) :].partition("/")
                    if is_key(key) and key[:2] == shard:
                        yield Entry(key, item["LastModified"].timestamp(), item["Size"])

    def probe(self) -> None:
        """HEAD of the bucket: the store answers, the credentials are good, the bucket is
        there and may be listed. Nothing is written: a written probe would leave a version
        behind at every call in a versioned bucket."""
        with _translated(f"probe {self.describe()}"):
            self._probe_client.head_bucket(Bucket=self.bucket)

    def sweep(self, older_than_seconds: float) -> int:
        """Abort multipart uploads begun longer ago than this (a process killed mid-upload):
        their parts are stored, and paid for, until then."""
        cutoff = base.system_time() - older_than_seconds
        aborted = 0
        pages = self._client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with _translated(f"clear unfinished uploads in {self.describe()}"):
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].timestamp() < cutoff:
                        self._client.abort_multipart_upload(
                            Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        aborted += 1
        return aborted
