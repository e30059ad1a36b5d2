"""A database connection cut under load (PostgreSQL restarted, a failover, pg_terminate_backend):
the portal, as `partner-portal serve` runs it, answers each request with its page or a Swedish
503 — never a 500, never a traceback, never a dropped connection — and recovers by itself."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response

from partner_portal.auth import sessions
from partner_portal.auth.access import LOGGED_IN
from partner_portal.platform.db import writing
from partner_portal.web import Ctx, route
from tests.helpers import Persona, csrf_token, log_in
from tests.test_cli import wait_until_answering

POSTGRESQL = pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)

COMMAND = str(Path(sys.executable).parent / "partner-portal")
PAGES = ("/", "/rum", "/organisationer", "/mina-uppgifter")


async def _terminate_portals_backends(dsn: str) -> int:
    """Every other connection to the database, cut as a failover would cut it."""
    connection = await asyncpg.connect(dsn)
    try:
        return len(
            await connection.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    finally:
        await connection.close()


@pytest.mark.slow
@POSTGRESQL
async def test_cut_connections_give_pages_or_503_and_the_portal_recovers_alone(
    app: Starlette,
    client: httpx.AsyncClient,
    alice: Persona,
    database_url: str,
    tmp_path: Path,
    unused_port: int,
) -> None:
    settings = app.state.portal.settings
    await log_in(client, app, alice)
    token = client.cookies.get(sessions.cookie_name(settings))
    assert token is not None
    cookie = {sessions.cookie_name(settings): token}
    await app.state.portal.engine.dispose()  # the server's connections are the only ones
    base = f"http://127.0.0.1:{unused_port}"
    log = tmp_path / "serve.log"
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            COMMAND,
            "serve",
            "--no-worker",
            "--port",
            str(unused_port),
            env={
                "PATH": os.environ["PATH"],
                "PORTAL_DATA_DIR": str(settings.data_dir),
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_SECRET_KEY": str(settings.secret_key),
                "PORTAL_BASE_URL": base,
                # Never asked here: everyone in this test is logged in already.
                "PORTAL_OIDC_ISSUER": f"http://127.0.0.1:{unused_port}/provider",
            },
            stdout=out,
            stderr=out,
        )
        statuses: list[int] = []
        busy_pages: list[str] = []
        dropped: list[str] = []
        try:
            await wait_until_answering(f"{base}/healthz", process)

            async def browse(stop: float) -> None:
                # One keep-alive connection per user, as a browser has: a dropped connection
                # would surface here as a transport error and fail the test.
                async with httpx.AsyncClient(base_url=base, cookies=cookie, timeout=10) as user:
                    n = 0
                    while time.monotonic() < stop:
                        try:
                            response = await user.get(PAGES[n % len(PAGES)])
                        except httpx.TransportError as error:
                            # Fails below, with the server's log beside it.
                            statuses.append(0)
                            dropped.append(repr(error))
                            break
                        n += 1
                        statuses.append(response.status_code)
                        if response.status_code == 503:
                            busy_pages.append(response.text)

            async def cut(stop: float) -> int:
                cuts = 0
                while time.monotonic() < stop:
                    await asyncio.sleep(0.15)
                    cuts += await _terminate_portals_backends(dsn)
                return cuts

            stop = time.monotonic() + 4
            cutting = asyncio.ensure_future(cut(stop))
            await asyncio.gather(*(browse(stop) for _ in range(6)))
            cuts = await cutting
            recovery_started = time.monotonic()
            async with httpx.AsyncClient(base_url=base, cookies=cookie, timeout=10) as user:
                after = [(await user.get(path)).status_code for path in PAGES]
            recovered_in = time.monotonic() - recovery_started
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
            await asyncio.wait_for(process.wait(), timeout=20)

    logged = log.read_text(errors="replace")
    assert cuts > 3
    assert set(statuses) <= {200, 503}, (sorted(set(statuses)), dropped, _trouble(logged))
    assert statuses.count(200) > len(statuses) / 2
    assert all("ingenting sparades" in page for page in busy_pages)
    assert after == [200] * len(PAGES)
    assert recovered_in < 1
    assert "database connection lost on GET" in logged  # read once more, on a fresh connection
    assert "Traceback" not in logged, _trouble(logged)
    assert "unhandled error" not in logged


def _trouble(logged: str) -> str:
    """The part of the server's log that explains a failure: from the first error or
    traceback on (the end of the log is only the shutdown)."""
    starts = [i for i in (logged.find("Traceback"), logged.find(" 500 ")) if i >= 0]
    start = max(min(starts) - 2000, 0) if starts else max(len(logged) - 3000, 0)
    return logged[start : start + 6000]


def _lost() -> DBAPIError:
    return DBAPIError("SELECT 1", {}, ConnectionResetError(), connection_invalidated=True)


async def test_a_page_that_lost_its_connection_is_read_again_but_a_write_never(
    app: Starlette, client: httpx.AsyncClient, alice: Persona
) -> None:
    calls: Counter[str] = Counter()

    async def flaky(ctx: Ctx) -> Response:
        key = ctx.request.method + ctx.request.url.path
        calls[key] += 1
        if ctx.request.url.path.endswith("/skrev"):
            async with writing(ctx.db):
                pass  # as an audited download writes before it reads on
        if calls[key] == 1:
            raise _lost()
        return PlainTextResponse("ok")

    for path in ("/prov/las", "/prov/skrev"):
        app.router.routes.insert(
            0, route(path, flaky, name=path, access=LOGGED_IN, methods=("GET", "POST"))
        )
    await log_in(client, app, alice)
    token = await csrf_token(client, app)

    read = await client.get("/prov/las")
    wrote = await client.get("/prov/skrev")
    posted = await client.post("/prov/las", data={"csrf_token": token})

    assert (read.status_code, read.text) == (200, "ok")
    assert wrote.status_code == posted.status_code == 503
    assert "ingenting sparades" in posted.text
    assert calls == {"GET/prov/las": 2, "GET/prov/skrev": 1, "POST/prov/las": 1}


@pytest.mark.parametrize(
    "failure",
    [
        lambda: ConnectionRefusedError(111, "Connection refused"),  # the server restarting
        lambda: asyncpg.InterfaceError("connection is closed"),  # cut before it was set up
    ],
    ids=["refused", "cut-while-set-up"],
)
async def test_a_connection_that_fails_as_it_is_made_gives_the_page_or_503(
    app: Starlette,
    client: httpx.AsyncClient,
    alice: Persona,
    failure: Callable[[], Exception],
) -> None:
    """SQLAlchemy passes the driver's own error on, unwrapped, when a new connection fails
    while the pool makes it: a page is read again on a fresh one, and if that fails too, the
    503 page, never a 500 (found by the connection-cutting test above, once in CI)."""
    await log_in(client, app, alice)
    engine = app.state.portal.engine
    failures_left = [0]

    def connect(dbapi_connection: object, record: object) -> None:
        if failures_left[0]:
            failures_left[0] -= 1
            raise failure()

    event.listen(engine.sync_engine, "connect", connect)
    try:
        await engine.dispose()
        failures_left[0] = 1
        once = await client.get("/rum")
        await engine.dispose()
        failures_left[0] = 2
        twice = await client.get("/rum")
    finally:
        event.remove(engine.sync_engine, "connect", connect)

    assert once.status_code == 200
    assert twice.status_code == 503
    assert "ingenting sparades" in twice.text
    assert twice.headers["Retry-After"]
    assert (await client.get("/rum")).status_code == 200
