"""Live comments over server-sent events: through a real server, in one process (SQLite's
in-process hub or PostgreSQL's LISTEN/NOTIFY), and between two processes on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.auth.models import PortalRole
from partner_portal.platform.db import session_factory
from partner_portal.platform.live import LiveHub
from partner_portal.platform.settings import Settings
from tests.conftest import empty_postgres
from tests.helpers import Persona, log_in
from tests.plans.factories import comment


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
    from partner_portal.evidence.models import Process
    from partner_portal.organisations.models import MembershipRole
    from tests.helpers import make_person
    from tests.organisations.factories import add_member, make_organisation
    from tests.plans.factories import make_plan
    from tests.rooms.factories import accept, invite, open_room

    settings = settings_for_postgres
    first, second = create_app(settings), create_app(settings)
    try:
        async with session_factory(first.state.portal.engine)() as db:
            alice = await make_person(db, "Alice Andersson", roles=(PortalRole.COORDINATOR,))
            bob = await make_person(db, "Bob Bergström")
            byggen = await make_organisation(db, "AB Botkyrkabyggen")
            await add_member(db, bob, byggen, MembershipRole.ADMIN)
            room_id = await open_room(db, alice, Process.RIKTLINJER, name="Riktlinjer")
            await invite(db, first, alice, room_id, byggen)
            await accept(db, bob, room_id, byggen)
            plan_id, (section_id,) = await make_plan(db, alice, room_id, [("Mål", "Trygghet")])
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
