"""/healthz and /readyz as operators use them."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.platform.migrate import head_revision
from partner_portal.platform.settings import load_settings
from tests.conftest import app_with
from tests.helpers import BASE_URL
from tests.s3_server import S3Server


async def test_healthz_answers_while_the_process_lives(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.text) == (200, "ok")


async def test_readyz_is_ready_at_the_latest_migration(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": head_revision()}


async def ready_status(database_url: str, tmp_path: Path) -> httpx.Response:
    settings = load_settings(
        {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_DATABASE_URL": database_url}
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        response = await client.get("/readyz")
    await app.state.portal.engine.dispose()
    return response


async def test_readyz_is_not_ready_on_an_unmigrated_database(tmp_path: Path) -> None:
    response = await ready_status(f"sqlite+aiosqlite:///{tmp_path}/empty.db", tmp_path)

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_readyz_is_not_ready_when_the_database_does_not_answer(
    tmp_path: Path, unused_port: int
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port}/portal"

    response = await ready_status(url, tmp_path)

    assert response.status_code == 503


async def test_readyz_is_not_ready_behind_the_latest_migration(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    app.state.portal.head_revision = "a-newer-revision"

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "schema": head_revision(),
        "expected": "a-newer-revision",
    }


async def test_readyz_stays_ready_on_a_schema_newer_than_its_code(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """A rolling upgrade: `migrate` ran for the new version, this process still runs the old
    one, which the migrations keep working — it must not leave the rotation yet."""
    engine = app.state.portal.engine
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE alembic_version SET version_num = 'zz-newer'"))
    try:
        response = await client.get("/readyz")
    finally:
        async with engine.begin() as connection:
            await connection.execute(
                sa.text("UPDATE alembic_version SET version_num = :head"),
                {"head": head_revision()},
            )

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": "zz-newer", "code": head_revision()}


async def test_probes_are_answered_whatever_the_host_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"host": "10.0.0.7:8000"})

    assert response.status_code == 200


async def test_readyz_is_not_ready_when_the_file_store_cannot_be_written(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    uploads = Path(app.state.portal.settings.data_dir) / "uploads"
    ready = await client.get("/readyz")
    for entry in sorted(uploads.rglob("*"), reverse=True):
        entry.rmdir()
    uploads.rmdir()
    uploads.write_bytes(b"")  # a file where the store's directory should be: nothing can go in

    response = await client.get("/readyz")

    assert ready.status_code == 200
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "file store not writable"}


async def readyz_of(app: Starlette) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/readyz")
    await app.state.portal.engine.dispose()
    return response


async def test_readyz_is_ready_on_an_object_store_that_answers(
    app: Starlette, s3_server: S3Server
) -> None:
    response = await readyz_of(app_with(app, **s3_server.settings_changes()))

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": head_revision()}


async def test_readyz_is_not_ready_when_the_object_store_does_not_answer(
    app: Starlette, unused_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = app_with(
        app,
        storage="s3://portal-test/filer",
        s3_endpoint_url=f"http://127.0.0.1:{unused_port}",
        s3_region="eu-north-1",
    )

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="partner_portal"):
        response = await readyz_of(unreachable)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "file store unavailable"}
    assert time.monotonic() - started < 10  # one try, a short timeout: probes must answer
    assert any("s3://portal-test/filer/" in r.getMessage() for r in caplog.records)


async def test_readyz_is_not_ready_when_the_bucket_is_not_there(
    app: Starlette, s3_server: S3Server
) -> None:
    changes = s3_server.settings_changes() | {"storage": "s3://no-such-bucket/filer"}

    response = await readyz_of(app_with(app, **changes))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "file store unavailable"}
