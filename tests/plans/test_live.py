"""Live comments over server-sent events: through a real server, in one process (SQLite's
in-process hub or PostgreSQL's LISTEN/NOTIFY), and between two processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.auth.sessions import cookie_name
from partner_portal.auth.sessions import create as create_session
from partner_portal.platform.db import session_factory
from partner_portal.platform.live import LiveHub
from partner_portal.platform.settings import Settings
from tests.conftest import empty_postgres
from tests.helpers import Persona, log_in
from tests.plans.factories import comment, room_with_a_plan


@asynccontextmanager
async def serving(app: Starlette, port: int) -> AsyncIterator[str]:
    """The app behind a real uvicorn on loopback (the in-process ASGI client cannot stream)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def first_comment_event(
    base_url: str, app: Starlette, reader: Persona, path: str, started: asyncio.Event
) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=base_url) as c:
        await log_in(c, app, reader)
        async with c.stream("GET", path) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            event = ""
            async for line in response.aiter_lines():
                if line.startswith("retry:"):
                    started.set()
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                if line.startswith("data:") and event == "comment":
                    data: dict[str, object] = json.loads(line.removeprefix("data:"))
                    return data
    raise AssertionError("the stream ended without an event")


async def test_a_new_comment_reaches_a_reader_of_the_plan(
    app: Starlette,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    dave: Persona,
    unused_port: int,
) -> None:
    room_id, plan_id = world["room_id"], world["plan_id"]
    async with serving(app, unused_port) as base_url:
        started = asyncio.Event()
        reading = asyncio.create_task(
            first_comment_event(
                base_url, app, dave, f"/rum/{room_id}/planer/{plan_id}/handelser", started
            )
        )
        await asyncio.wait_for(started.wait(), 10)
        comment_id = await comment(db, app, bob, room_id, plan_id, world["section_id"], "Hej!")
        event = await asyncio.wait_for(reading, 10)

    assert event == {
        "topic": f"plan:{plan_id}",
        "data": {"section": world["section_id"], "comment": comment_id, "new": True},
    }


async def test_a_comment_posted_through_one_process_reaches_a_reader_on_another(
    postgres_database: str,
    settings_for_postgres: Settings,
) -> None:
    """Two application instances on the same PostgreSQL database, as two processes would be:
    the comment is written through A, the reader listens on B."""

    settings = settings_for_postgres
    first, second = create_app(settings), create_app(settings)
    try:
        async with session_factory(first.state.portal.engine)() as db:
            world = await room_with_a_plan(db, first)
            alice, bob = world.alice, world.bob
            room_id, plan_id, section_id = world.room_id, world.plan_id, world.section_id
            async with serving(second, _free_port()) as base_url:
                started = asyncio.Event()
                reading = asyncio.create_task(
                    first_comment_event(
                        base_url,
                        second,
                        alice,
                        f"/rum/{room_id}/planer/{plan_id}/handelser",
                        started,
                    )
                )
                await asyncio.wait_for(started.wait(), 10)
                comment_id = await comment(db, first, bob, room_id, plan_id, section_id, "Bra")
                event = await asyncio.wait_for(reading, 10)
    finally:
        for application in (first, second):
            await application.state.live.close()
            await application.state.portal.engine.dispose()
        await empty_postgres(postgres_database)

    assert event == {
        "topic": f"plan:{plan_id}",
        "data": {"section": section_id, "comment": comment_id, "new": True},
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_only_committed_changes_are_announced(app: Starlette) -> None:
    hub = app.state.live
    try:
        async with hub.subscribe("plan:1") as queue:
            async with app.state.portal.sessions() as db:
                await hub.announce(db, "plan:1", {"n": 1})
                await db.rollback()
                await hub.announce(db, "plan:1", {"n": 2})
                await hub.announce(db, "plan:2", {"n": 3})  # another plan's readers only
                await db.commit()
            # Events arrive in the order their transactions committed: once this later one
            # is here, everything the first transaction could have announced is here too.
            async with app.state.portal.sessions() as db:
                await hub.announce(db, "plan:1", {"end": True})
                await db.commit()
            received = []
            while (item := await asyncio.wait_for(queue.get(), 5)) is not None:
                received.append(json.loads(item))
                if received[-1]["data"] == {"end": True}:
                    break

            assert received == [
                {"topic": "plan:1", "data": {"n": 2}},
                {"topic": "plan:1", "data": {"end": True}},
            ]
            assert queue.empty()
    finally:
        await hub.close()


async def test_the_stream_says_so_when_live_events_are_unavailable(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    bob: Persona,
    unused_port: int,
) -> None:
    app.state.live = LiveHub(f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port}/none")
    await log_in(client, app, bob)

    response = await client.get(f"/rum/{world['room_id']}/planer/{world['plan_id']}/handelser")

    assert response.status_code == 503
    assert "Direktuppdateringar fungerar inte just nu." in response.text


# --- shutting down -------------------------------------------------------------------------


async def stream_until_it_ends(
    base_url: str, cookies: dict[str, str], path: str, started: asyncio.Event
) -> list[str]:
    """Read a live stream to its end; the lines read."""
    lines: list[str] = []
    async with (
        httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=60) as c,
        c.stream("GET", path) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            lines.append(line)
            if line.startswith("retry:"):
                started.set()
    return lines


async def test_draining_ends_every_live_stream_and_readiness_turns_false(
    app: Starlette, world: dict[str, int], dave: Persona, unused_port: int
) -> None:
    path = f"/rum/{world['room_id']}/planer/{world['plan_id']}/handelser"
    async with serving(app, unused_port) as base_url, httpx.AsyncClient(base_url=base_url) as c:
        token = await log_in(c, app, dave)
        ready_before = await c.get("/readyz")
        started = asyncio.Event()
        reading = asyncio.create_task(
            stream_until_it_ends(
                base_url, {cookie_name(app.state.portal.settings): token}, path, started
            )
        )
        await asyncio.wait_for(started.wait(), 10)
        app.state.shutdown.drain()
        lines = await asyncio.wait_for(reading, 5)  # well before any server timeout
        ready_after = await c.get("/readyz")

    assert ready_before.status_code == 200
    assert lines[0].startswith("retry:")
    assert ready_after.status_code == 503
    assert ready_after.json() == {"status": "draining"}


async def test_sigterm_ends_live_streams_at_once_and_the_server_stops(
    app: Starlette, world: dict[str, int], dave: Persona, unused_port: int
) -> None:
    """Through a real `partner-portal serve`: uvicorn would wait up to its graceful timeout
    (20 s) for an open stream; the portal ends its streams on SIGTERM, so it stops at once."""
    settings: Settings = app.state.portal.settings
    async with app.state.portal.sessions() as db:
        token = await create_session(db, person_id=dave.id, id_token=None, settings=settings)
        await db.commit()
    base_url = f"http://127.0.0.1:{unused_port}"
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "partner-portal"),
        "serve",
        "--no-worker",
        "--port",
        str(unused_port),
        env={
            "PATH": os.environ["PATH"],
            "PORTAL_DATA_DIR": str(settings.data_dir),
            "PORTAL_DATABASE_URL": settings.database_url,
            "PORTAL_SECRET_KEY": str(settings.secret_key),
            "PORTAL_BASE_URL": base_url,
            "PORTAL_OIDC_ISSUER": "http://127.0.0.1:9/unused",
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient() as c:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if (await c.get(f"{base_url}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        started = asyncio.Event()
        reading = asyncio.create_task(
            stream_until_it_ends(
                base_url,
                {"pp_session": token},
                f"/rum/{world['room_id']}/planer/{world['plan_id']}/handelser",
                started,
            )
        )
        await asyncio.wait_for(started.wait(), 20)
        stopping = asyncio.get_running_loop().time()
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(reading, 10)
        await asyncio.wait_for(process.wait(), 10)
        took = asyncio.get_running_loop().time() - stopping
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    # uvicorn raises the signal again once it has stopped: ended by SIGTERM, as systemd
    # expects of a service it stopped (a clean stop, not a failure).
    assert process.returncode in (0, -signal.SIGTERM)
    assert took < 10, took  # not the 20 s uvicorn gives connections that do not close
