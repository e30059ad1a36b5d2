"""Reads never wait for the writer; a write waits, then says "try again" — never a 500.

On SQLite one connection writes at a time. A page that only reads takes no lock (so it is served
while another process writes), a form's write holds the lock only while it writes, and a write
that cannot get the lock in time answers 503 with Retry-After and saves nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.types import Message

from partner_portal.auth import sessions
from partner_portal.auth.models import LoginSession
from partner_portal.organisations.models import Organisation
from partner_portal.platform import db as portal_db
from tests.conftest import app_with
from tests.helpers import BASE_URL, Persona, csrf_token, log_in
from tests.queries import QueryCounter

pytestmark = pytest.mark.parametrize("database_kind", ["sqlite"], indirect=True)


@contextmanager
def another_writer(database_url: str) -> Iterator[sqlite3.Connection]:
    """Another process holding SQLite's write lock (as a long write would)."""
    connection = sqlite3.connect(database_url.split(":///", 1)[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


async def test_pages_are_read_while_another_process_writes(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, database_url: str
) -> None:
    await log_in(client, app, alice)

    with another_writer(database_url):
        pages = [await client.get(path) for path in ("/", "/organisationer", "/rum")]

    assert [p.status_code for p in pages] == [200, 200, 200]


async def test_a_write_that_cannot_get_the_lock_says_try_again_and_saves_nothing(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(portal_db, "SQLITE_BUSY_TIMEOUT_MS", 300)  # not five seconds' wait
    impatient = app_with(app)
    try:
        transport = httpx.ASGITransport(app=impatient)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            await log_in(client, impatient, alice)
            token = await csrf_token(client, impatient)
            form = {"csrf_token": token, "name": "Ny organisation AB", "kind": "kommunalt_bolag"}
            with another_writer(database_url):
                refused = await client.post("/organisationer/ny", data=form)
            accepted = await client.post("/organisationer/ny", data=form)
    finally:
        await impatient.state.portal.engine.dispose()
    saved = await db.scalar(
        sa.select(sa.func.count()).where(col(Organisation.name) == "Ny organisation AB")
    )

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert "Portalen är upptagen just nu och ingenting sparades" in refused.text
    assert "Traceback" not in refused.text
    assert accepted.status_code == 303
    assert saved == 1


async def test_a_page_view_writes_nothing_but_the_occasional_note_that_a_session_is_in_use(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, db: AsyncSession
) -> None:
    await log_in(client, app, alice)
    seen = await db.scalar(sa.select(col(LoginSession.last_seen_at)))
    await db.commit()

    for _ in range(3):
        assert (await client.get("/organisationer")).status_code == 200

    assert await db.scalar(sa.select(col(LoginSession.last_seen_at))) == seen


def _form_scope(cookie: str, length: int) -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/organisationer/ny",
        "raw_path": b"/organisationer/ny",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"origin", BASE_URL.encode()),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(length).encode()),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def test_a_client_that_goes_away_mid_request_is_no_error_and_saves_nothing(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, caplog: pytest.LogCaptureFixture
) -> None:
    token = await log_in(client, app, alice)
    settings = app.state.portal.settings
    cookie = f"{sessions.cookie_name(settings)}={token}"
    before = await _count_organisations(app)
    sent: list[Message] = []
    parts: Iterator[Message] = iter(
        [
            {"type": "http.request", "body": b"csrf_token=x&name=Halv", "more_body": True},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> Message:
        return next(parts)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = _form_scope(cookie, 500)
    with caplog.at_level("INFO"):
        await app(scope, receive, send)  # raises nothing

    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 400
    assert "Traceback" not in caplog.text
    assert "client went away" in caplog.text
    assert await _count_organisations(app) == before


async def _count_organisations(app: Starlette) -> int:
    async with app.state.portal.sessions() as db:
        return int(await db.scalar(sa.select(sa.func.count()).select_from(Organisation)) or 0)


async def test_requests_reuse_a_few_pooled_connections(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    """A connection to SQLite is a thread with its own page cache and pragmas: opening one
    per request (SQLAlchemy's default for aiosqlite files) cost every request that again."""
    await log_in(client, app, alice)
    engine = app.state.portal.engine.sync_engine
    connects: list[object] = []

    def count(*_: object) -> None:
        connects.append(1)

    sa.event.listen(engine, "connect", count)
    try:
        for _ in range(3):
            pages = await asyncio.gather(*(client.get("/organisationer") for _ in range(10)))
            assert {page.status_code for page in pages} == {200}
    finally:
        sa.event.remove(engine, "connect", count)
    assert len(connects) <= portal_db.SQLITE_POOL_SIZE


async def test_a_page_that_only_reads_begins_no_transaction_and_a_form_locks_only_to_write(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, query_counter: QueryCounter
) -> None:
    """Each statement of a GET reads a snapshot of its own, as under PostgreSQL's READ
    COMMITTED: no BEGIN, no lock, one round trip fewer."""
    await log_in(client, app, alice)
    token = await csrf_token(client, app)

    with query_counter.counting() as read:
        assert (await client.get("/organisationer")).status_code == 200
    with query_counter.counting() as written:
        form = {"csrf_token": token, "name": "Läst och skrivet AB", "kind": "kommunalt_bolag"}
        assert (await client.post("/organisationer/ny", data=form)).status_code == 303

    assert [s for s in read if s.startswith("BEGIN")] == []
    assert [s for s in written if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


async def test_a_write_in_a_transaction_that_only_reads_is_flagged(
    app: Starlette, alice: Persona
) -> None:
    """Without BEGIN such a write would commit by itself: every write in a request that reads
    goes through begin_write or writing(), and a forgotten one fails the tests."""
    options = portal_db.request_session_options(write=False)
    async with app.state.portal.sessions(execution_options=options) as db:
        with pytest.warns(portal_db.WriteAfterRead, match="begin_write first"):
            await db.execute(sa.update(Organisation).values(name=Organisation.name))
        await db.rollback()
        async with portal_db.writing(db):
            await db.execute(sa.update(Organisation).values(name=Organisation.name))


@pytest.mark.parametrize("padding", [0, 70_000], ids=["small form", "long form"])
async def test_a_form_that_arrives_slowly_holds_no_connection_meanwhile(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, padding: int
) -> None:
    """A small form is read before the login session; a long one after it, its connection
    given back first: either way a slow sender keeps no connection (nor SQLite's lock) from
    anyone while the rest of the body arrives."""
    token = await log_in(client, app, alice)
    csrf = await csrf_token(client, app)
    cookie = f"{sessions.cookie_name(app.state.portal.settings)}={token}"
    name = f"Långsamt AB {padding}"
    form = {"csrf_token": csrf, "kind": "kommunalt_bolag", "note": "x" * padding, "name": name}
    body = urlencode(form).encode()
    pool = app.state.portal.engine.sync_engine.pool
    halfway = asyncio.Event()
    held_while_waiting: list[int] = []
    sent: list[Message] = []

    async def receive() -> Message:
        if not halfway.is_set():
            halfway.set()
            return {"type": "http.request", "body": body[:20], "more_body": True}
        await asyncio.sleep(0.05)  # the rest of the body is on its way
        held_while_waiting.append(pool.checkedout())
        return {"type": "http.request", "body": body[20:], "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(_form_scope(cookie, len(body)), receive, send)

    assert sent[0]["status"] == 303
    assert held_while_waiting == [0]
    async with app.state.portal.sessions() as db:
        assert await db.scalar(sa.select(sa.func.count()).where(col(Organisation.name) == name))


async def test_a_small_form_is_written_on_the_connection_that_read_its_login_session(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, query_counter: QueryCounter
) -> None:
    """Read before the login session, a small form is checked and written on the one pooled
    connection: no giving it back and taking one again between the session and the write."""
    await log_in(client, app, alice)
    token = await csrf_token(client, app)
    engine = app.state.portal.engine.sync_engine
    checkouts: list[object] = []

    def count(*_: object) -> None:
        checkouts.append(1)

    sa.event.listen(engine, "checkout", count)
    try:
        with query_counter.counting() as statements:
            form = {"csrf_token": token, "name": "En anslutning AB", "kind": "kommunalt_bolag"}
            assert (await client.post("/organisationer/ny", data=form)).status_code == 303
    finally:
        sa.event.remove(engine, "checkout", count)

    assert len(checkouts) == 1
    assert statements[0].startswith("SELECT login_session.id")
    assert statements[1] == "BEGIN IMMEDIATE"
