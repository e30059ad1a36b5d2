"""The two file stores: the local directory's layout, large files both ways without holding
them in memory, the same download on either store, a store that cannot be reached."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.types import Message

from partner_portal.attachments import storage
from partner_portal.attachments.models import Attachment
from partner_portal.attachments.storage.s3 import PART, S3Store
from partner_portal.audit.models import AuditEvent
from partner_portal.platform.settings import load_settings
from tests.attachments import files
from tests.attachments.test_faults import two_hours_later
from tests.attachments.test_uploads import (
    count_attachments,
    leftovers,
    post_files,
    store_of,
    stored_files,
    world,
)
from tests.conftest import app_with
from tests.helpers import BASE_URL, Persona, log_in
from tests.s3_server import BUCKET, KEY_ID, SECRET, S3Server

__all__ = ["world"]  # the fixture, shared with test_uploads

LOCAL_ONLY = pytest.mark.parametrize("store_environment", [{}], ids=["local"])
MB = 1024 * 1024


def _random_file(path: Path, size: int) -> str:
    """A file of ``size`` random bytes (written in parts); returns its SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for start in range(0, size, MB):
            part = os.urandom(min(MB, size - start))
            digest.update(part)
            out.write(part)
    return digest.hexdigest()


def _digest_of(stored: storage.StoredFile) -> tuple[str, int]:
    """The stored file's SHA-256, read in parts as a download reads it; and the largest part."""
    digest = hashlib.sha256()
    largest = 0
    try:
        while chunk := stored.read(storage.CHUNK):
            digest.update(chunk)
            largest = max(largest, len(chunk))
    finally:
        stored.close()
    return digest.hexdigest(), largest


async def _sent(
    app: Starlette, client: httpx.AsyncClient, path: str
) -> tuple[int, dict[str, str], list[bytes]]:
    """GET ``path`` as ``client`` (its cookies), straight through the ASGI interface: the
    status, the headers and each part of the body as the app sent it."""
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", httpx.URL(BASE_URL).host.encode()),
            (b"cookie", cookies.encode()),
            (b"accept-encoding", b"identity"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    messages: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    parts = [m["body"] for m in messages[1:] if m["type"] == "http.response.body"]
    return start["status"], headers, parts


@pytest.fixture
def object_store(s3_server: S3Server) -> S3Store:
    """A store in the test bucket under a prefix of its own, with S3's smallest part (5 MiB)
    so that a few megabytes make several parts."""
    return S3Store(
        BUCKET,
        f"store-{uuid.uuid4().hex[:12]}",
        endpoint=s3_server.endpoint,
        region="eu-north-1",
        key_id=KEY_ID,
        secret=SECRET,
        part_size=5 * MB,
    )


@LOCAL_ONLY
async def test_the_local_store_keeps_files_under_the_data_directory_by_key(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    await post_files(client, app, world["room_id"], [("Yttrande å Ö.pdf", files.PDF)])

    await db.rollback()
    key = await db.scalar(sa.select(col(Attachment.storage_key)))
    assert key is not None
    data_dir = app.state.portal.settings.data_dir
    path = data_dir / "uploads" / "files" / key[:2] / key
    assert path.read_bytes() == files.PDF
    assert [p for p in (data_dir / "uploads").rglob("*") if p.is_file()] == [path]
    assert "static" not in path.parts


async def test_a_large_file_round_trips_byte_for_byte_through_the_portal(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    # Random text (hex), more than one part of a multipart upload.
    content = os.urandom((PART + 3 * MB) // 2).hex().encode()

    uploaded = await post_files(client, app, world["room_id"], [("stor.txt", content)])
    await db.rollback()
    row = (await db.execute(sa.select(Attachment))).scalar_one()
    status, headers, parts = await _sent(app, client, f"/rum/{world['room_id']}/filer/{row.id}")

    assert uploaded.status_code == 303
    assert status == 200
    assert headers["content-length"] == str(len(content))
    assert b"".join(parts) == content
    assert max(len(p) for p in parts) <= storage.CHUNK  # sent as read, in parts
    assert len(parts) >= len(content) // storage.CHUNK
    store = store_of(app)
    assert row.storage_key is not None
    if isinstance(store, S3Store):
        stored = store._client.head_object(Bucket=BUCKET, Key=store.name_for(row.storage_key))
        assert stored["ETag"].strip('"').endswith("-2")  # S3's mark of an upload in two parts


def test_the_object_store_streams_a_large_file_both_ways_without_holding_it(
    object_store: S3Store, tmp_path: Path
) -> None:
    size = 24 * MB
    source = tmp_path / "received"
    expected = _random_file(source, size)
    key = storage.new_key()

    tracemalloc.start()
    try:
        object_store.put(source, key)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        found, largest = _digest_of(object_store.open(key))
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert found == expected
    assert largest <= storage.CHUNK
    assert put_peak < size / 3, f"{put_peak / MB:.1f} MB held while putting {size / MB:.0f} MB"
    assert read_peak < 2 * MB, f"{read_peak / MB:.1f} MB held while reading"
    stored = object_store._client.head_object(Bucket=BUCKET, Key=object_store.name_for(key))
    assert stored["ETag"].strip('"').endswith("-5")  # 24 MB in parts of 5 MiB
    assert [e.size for e in object_store.entries()] == [size]


def test_the_local_store_reads_in_parts_and_moves_the_received_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = storage.LocalStore(tmp_path)
    source = tmp_path / "received"
    expected = _random_file(source, 3 * MB)
    key = storage.new_key()

    store.put(source, key)
    young = storage.keys_older_than(store, 3600)
    two_hours_later(monkeypatch)

    assert not source.exists()  # renamed into place, not copied
    assert _digest_of(store.open(key)) == (expected, storage.CHUNK)
    assert [(e.key, e.size) for e in store.entries()] == [(key, 3 * MB)]
    assert (young, storage.keys_older_than(store, 3600)) == ([], [key])


def test_the_object_store_aborts_multipart_uploads_a_killed_process_left(
    object_store: S3Store,
) -> None:
    client = object_store._client
    name = object_store.name_for(storage.new_key())
    client.create_multipart_upload(Bucket=BUCKET, Key=name)
    elsewhere = client.create_multipart_upload(Bucket=BUCKET, Key=f"other-{uuid.uuid4().hex}/x")
    # (moto states one fixed time of initiation, long ago, for every upload: that a young one
    # is kept cannot be shown against it.)

    aborted = object_store.sweep(3600)

    left = client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
    assert aborted == 1
    assert name not in [u["Key"] for u in left]
    assert elsewhere["UploadId"] in [u["UploadId"] for u in left]  # outside its prefix
    client.abort_multipart_upload(
        Bucket=BUCKET, Key=elsewhere["Key"], UploadId=elsewhere["UploadId"]
    )


@pytest.fixture
async def apps_on_both_stores(
    app: Starlette, s3_server: S3Server
) -> AsyncIterator[tuple[Starlette, Starlette]]:
    """The test's app on the local store, and one on the same database with an object store."""
    on_s3 = app_with(app, **s3_server.settings_changes())
    yield app, on_s3
    await on_s3.state.portal.engine.dispose()


@LOCAL_ONLY
async def test_a_download_has_the_same_headers_from_either_store(
    apps_on_both_stores: tuple[Starlette, Starlette],
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    alice: Persona,
) -> None:
    answers = []
    for app in apps_on_both_stores:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            await log_in(client, app, bob)
            await post_files(client, app, world["room_id"], [("Yttrande å Ö.pdf", files.PDF)])
            await db.rollback()
            file_id = await db.scalar(sa.select(sa.func.max(col(Attachment.id))))
            await log_in(client, app, alice)
            answers.append(await client.get(f"/rum/{world['room_id']}/filer/{file_id}"))
    on_disk = store_of(apps_on_both_stores[0])
    assert isinstance(on_disk, storage.LocalStore)
    [path] = [on_disk.path_for(e.key) for e in on_disk.entries()]
    file_response = FileResponse(path, filename="Yttrande å Ö.pdf")

    local, s3 = answers
    assert (local.status_code, s3.status_code) == (200, 200)
    assert local.content == s3.content == files.PDF
    assert {k: v for k, v in local.headers.items() if k != "last-modified"} == {
        k: v for k, v in s3.headers.items() if k != "last-modified"
    }
    assert local.headers["content-type"] == "application/pdf"
    assert local.headers["content-length"] == str(len(files.PDF))
    assert local.headers["x-content-type-options"] == "nosniff"
    assert local.headers["content-disposition"] == file_response.headers["content-disposition"]
    assert local.headers["content-disposition"].startswith("attachment; filename*=utf-8''")
    assert "last-modified" in s3.headers


async def test_a_file_missing_from_the_store_is_not_found_and_not_audited(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    alice: Persona,
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    row = (await db.execute(sa.select(Attachment))).scalar_one()
    assert row.storage_key is not None
    store_of(app).delete([row.storage_key])
    await log_in(client, app, alice)

    response = await client.get(f"/rum/{world['room_id']}/filer/{row.id}")

    assert response.status_code == 404
    await db.rollback()
    actions = (await db.execute(sa.select(col(AuditEvent.action)))).scalars().all()
    assert "file_downloaded" not in actions


@pytest.fixture
def unreachable_store(unused_port: int) -> dict[str, object]:
    """The settings of an object store nothing answers at (a port nothing listens on)."""
    return {
        "storage": "s3://portal-test/nowhere",
        "s3_endpoint_url": f"http://127.0.0.1:{unused_port}",
        "s3_region": "eu-north-1",
    }


@LOCAL_ONLY
async def test_an_upload_to_an_unreachable_object_store_saves_nothing_and_says_so(
    app: Starlette,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    unreachable_store: dict[str, object],
) -> None:
    broken = app_with(app, **unreachable_store)
    transport = httpx.ASGITransport(app=broken)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        await log_in(client, broken, bob)
        response = await post_files(client, broken, world["room_id"], [("plan.pdf", files.PDF)])
    await broken.state.portal.engine.dispose()

    assert response.status_code == 503
    assert "Filen kunde inte sparas" in response.text
    assert await count_attachments(db) == 0
    assert leftovers(app) == []


@LOCAL_ONLY
async def test_a_download_from_an_unreachable_object_store_is_503_not_404(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    unreachable_store: dict[str, object],
) -> None:
    await log_in(client, app, bob)
    await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])
    await db.rollback()
    file_id = await db.scalar(sa.select(col(Attachment.id)))
    broken = app_with(app, **unreachable_store)
    transport = httpx.ASGITransport(app=broken)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as other:
        await log_in(other, broken, bob)
        response = await other.get(f"/rum/{world['room_id']}/filer/{file_id}")
    await broken.state.portal.engine.dispose()

    assert response.status_code == 503
    assert "Filen kan inte hämtas just nu" in response.text
    assert stored_files(app) != {}  # still there, in the store that does answer


def test_the_s3_store_is_chosen_by_the_setting_and_shared_by_address(
    s3_server: S3Server, tmp_path: Path
) -> None:
    environment = {"PORTAL_DATA_DIR": str(tmp_path), **s3_server.environment("shared")}
    first = storage.store_for(load_settings(environment))
    again = storage.store_for(load_settings(environment))
    local = storage.store_for(load_settings({"PORTAL_DATA_DIR": str(tmp_path)}))

    assert isinstance(first, S3Store)
    assert again is first  # one client (and its connections) per process
    assert first.describe() == f"s3://{BUCKET}/shared/"
    assert isinstance(local, storage.LocalStore)
    assert local.root == tmp_path / "uploads" / "files"


def test_every_stored_file_copies_out_and_back_into_an_empty_store(
    app: Starlette, tmp_path: Path
) -> None:
    """What backup and restore do through the interface (storage.copy_out, copy_in)."""
    store = store_of(app)
    keys = sorted(storage.new_key() for _ in range(3))
    for n, key in enumerate(keys):
        received = tmp_path / f"received-{n}"
        received.write_bytes(files.PDF + bytes([n]))
        store.put(received, key)
    backup = tmp_path / "backup" / "files"

    copied = storage.copy_out(store, backup)
    again = storage.copy_out(store, backup)  # what is there already is kept
    store.delete(keys)
    emptied = stored_files(app)
    restored = storage.copy_in(store, backup, tmp_path / "uploads" / "tmp")

    assert (copied, again, emptied, restored) == (3, 3, {}, 3)
    assert sorted(p.name for p in backup.rglob("*") if p.is_file()) == keys  # left as it was
    assert stored_files(app) == {key: files.PDF + bytes([n]) for n, key in enumerate(keys)}
    assert list((tmp_path / "uploads" / "tmp").iterdir()) == []
