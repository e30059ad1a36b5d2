"""Faults around the file store, on either store: a full or unwritable disk during an upload,
a store that cannot be reached, a process killed between storing a file and committing its row,
a file lost from the store."""

from __future__ import annotations

import asyncio
import errno
import io
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.attachments.models import Attachment
from partner_portal.attachments.storage import base
from partner_portal.auth import sessions
from partner_portal.jobs import housekeeping
from tests.attachments import files
from tests.attachments.test_uploads import (
    count_attachments,
    leftovers,
    post_files,
    store_of,
    stored_files,
    world,
)
from tests.helpers import Persona, csrf_token, log_in

__all__ = ["world"]  # the fixture, shared with test_uploads

TWO_HOURS = 7200


def two_hours_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Housekeeping judges the stored files' age as if two hours had passed (the files' times
    are the system's, or the object store's: neither can be set back)."""
    now = base.system_time
    monkeypatch.setattr(base, "system_time", lambda: now() + TWO_HOURS)


class _FullDisk(io.RawIOBase):
    """A file being written when the disk fills up."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def writable(self) -> bool:
        return True

    def write(self, _data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self.real.close()
        super().close()


async def test_an_upload_onto_a_full_disk_says_so_and_leaves_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await log_in(client, app, bob)
    opened = Path.open

    def open_on_a_full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = opened(self, mode, *args, **kwargs)
        return _FullDisk(real) if mode == "xb" else real

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)

    with caplog.at_level(logging.INFO, logger="partner_portal"):
        response = await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])

    assert response.status_code == 507
    assert "Filen kunde inte sparas" in response.text
    assert "ingenting av det du skickade sparades" in response.text
    assert "Formuläret kunde inte läsas" not in response.text
    assert leftovers(app) == []
    assert await count_attachments(db) == 0
    logged = [r for r in caplog.records if r.name.startswith("partner_portal")]
    assert [(r.levelname, r.exc_info) for r in logged] == [("ERROR", None)]
    assert "No space left on device" in logged[0].getMessage()


async def test_an_unwritable_file_store_gets_the_storage_page_and_saves_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await log_in(client, app, bob)

    def read_only(_store: object, _received: Path, _key: str) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(type(store_of(app)), "put", read_only)

    response = await post_files(client, app, world["room_id"], [("plan.pdf", files.PDF)])

    assert response.status_code == 503
    assert "Filen kunde inte sparas" in response.text
    assert leftovers(app) == []
    assert await count_attachments(db) == 0


# Run in a process of its own: the upload, through the portal, killed (SIGKILL) at the moment
# its transaction is about to commit with the file already moved into the store.
_KILLED_UPLOAD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    import httpx
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from partner_portal.app import create_app
    from partner_portal.platform.settings import load_settings

    from partner_portal.attachments.storage import store_for

    settings = load_settings()
    store = store_for(settings)

    @event.listens_for(Session, "before_commit")
    def crash(_session):
        if any(True for _ in store.entries()):
            os.kill(os.getpid(), signal.SIGKILL)

    async def main():
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as client:
            client.cookies.set(sys.argv[1], sys.argv[2])
            await client.post(
                sys.argv[4],
                data={"csrf_token": sys.argv[3], "classification": "internal"},
                files=[("file", ("plan.pdf", sys.stdin.buffer.read(), "application/pdf"))],
            )

    asyncio.run(main())
    """
)


async def test_a_file_stored_by_a_process_killed_before_its_row_is_removed_by_housekeeping(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    store_environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = app.state.portal.settings
    await log_in(client, app, bob)
    cookie = sessions.cookie_name(settings)
    token = client.cookies.get(cookie)
    assert token is not None
    environment = {
        **os.environ,
        "PORTAL_DATA_DIR": str(settings.data_dir),
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_SECRET_KEY": str(settings.secret_key),
        "PORTAL_BASE_URL": settings.base_url,
        **store_environment,
    }
    url = f"/rum/{world['room_id']}/filer"
    csrf = await csrf_token(client, app)
    killed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", _KILLED_UPLOAD, cookie, token, csrf, url],
        input=files.PDF,
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    store = store_of(app)
    orphans = list(stored_files(app))
    assert len(orphans) == 1
    assert await count_attachments(db) == 0

    await housekeeping(db, settings)  # within the grace period: a request may still own it
    kept_while_young = store.exists(orphans[0])
    two_hours_later(monkeypatch)
    await housekeeping(db, settings)

    assert kept_while_young
    assert not store.exists(orphans[0])
    assert stored_files(app) == {}


async def test_housekeeping_reports_an_attachment_whose_file_is_gone_and_keeps_the_others(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = app.state.portal.settings
    await log_in(client, app, bob)
    for name in ("a.pdf", "b.pdf"):
        response = await post_files(client, app, world["room_id"], [(name, files.PDF)])
        assert response.status_code == 303
    await db.rollback()
    rows = (await db.execute(sa.select(Attachment).order_by(col(Attachment.id)))).scalars().all()
    lost, kept = (row.storage_key for row in rows)
    assert lost is not None
    assert kept is not None
    store = store_of(app)
    store.delete([lost])
    two_hours_later(monkeypatch)

    with caplog.at_level(logging.ERROR, logger="partner_portal"):
        await housekeeping(db, settings)

    assert store.exists(kept)  # its row points to it: never swept
    assert await count_attachments(db) == 2
    reports = [r.getMessage() for r in caplog.records if "have no file" in r.getMessage()]
    assert len(reports) == 1
    assert f"1 attachments have no file in {store.describe()}" in reports[0]
    assert f"ids {rows[0].id}" in reports[0]
