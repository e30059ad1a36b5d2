"""The deployment kit in deploy/: that it names every setting, and (below) that its nginx site
works in front of the portal as shipped."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from partner_portal.app import create_app
from partner_portal.attachments.models import Attachment
from partner_portal.auth import sessions
from partner_portal.auth.sessions import cookie_name
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.settings import Settings, load_settings
from tests.attachments import files
from tests.auth import flow
from tests.conftest import migrated_postgres
from tests.deploy_kit import DEPLOY, NGINX, certificate, nginx_config
from tests.oidc_provider import running_provider
from tests.plans.factories import room_with_a_plan


def test_the_environment_file_names_every_setting() -> None:
    text = (DEPLOY / "partner-portal.env").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?(PORTAL_[A-Z0-9_]+)=", text, flags=re.M))
    settings = {f"PORTAL_{name.upper()}" for name in Settings.model_fields}

    assert named == settings


# --- nginx in front of two `serve` processes and a worker, on PostgreSQL --------------------

COMMAND = str(Path(sys.executable).parent / "partner-portal")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def deploy_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own, migrated, dropped afterwards."""
    with migrated_postgres("pp_deploy") as url:
        yield url


@dataclass
class Deployment:
    base_url: str  # through nginx
    backends: list[str]  # each `serve` process directly
    tls: ssl.SSLContext
    settings: Settings
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)


async def _wait_until(url: str, *, verify: ssl.SSLContext | bool = True, seconds: int = 60) -> None:
    async with httpx.AsyncClient(verify=verify) as client:
        for _ in range(seconds * 10):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered 200")


@contextlib.asynccontextmanager
async def deployed(
    tmp_path: Path, database_url: str, issuer: str, redis_url: str
) -> AsyncIterator[Deployment]:
    port, backends = _free_port(), [_free_port(), _free_port()]
    cert, key = certificate(tmp_path)
    base_url = f"https://127.0.0.1:{port}"
    environment = {
        "PATH": os.environ["PATH"],
        "PORTAL_DATA_DIR": str(tmp_path / "data"),  # shared by the processes of this host
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": "deploy-test-secret-" + "x" * 40,
        "PORTAL_BASE_URL": base_url,
        "PORTAL_OIDC_ISSUER": issuer,
        "PORTAL_OIDC_CLIENT_ID": "portal-test",
        "PORTAL_OIDC_CLIENT_SECRET": "client-secret",
        "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "PORTAL_REDIS_URL": redis_url,
        "PORTAL_SMTP_PORT": str(_free_port()),  # no mail server: mail waits in the outbox
    }
    settings = load_settings({k: v for k, v in environment.items() if k != "PATH"})
    tls = ssl.create_default_context(cafile=str(cert))
    deployment = Deployment(base_url, [f"http://127.0.0.1:{b}" for b in backends], tls, settings)
    commands = [
        [COMMAND, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(backend)]
        for backend in backends
    ] + [[COMMAND, "worker"]]
    log = (tmp_path / "portal.log").open("wb")
    try:
        for command in commands:
            deployment.processes.append(
                await asyncio.create_subprocess_exec(
                    *command, env=environment, stdout=log, stderr=log
                )
            )
        conf = nginx_config(tmp_path, port, backends, cert, key)
        deployment.processes.append(
            await asyncio.create_subprocess_exec(
                NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;",
                stdout=log, stderr=log,
            )
        )  # fmt: skip
        for backend in deployment.backends:
            await _wait_until(f"{backend}/readyz")
        await _wait_until(f"{base_url}/readyz", verify=tls)
        yield deployment
    finally:
        for process in deployment.processes:
            if process.returncode is None:
                process.terminate()
        for process in deployment.processes:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 30)
            if process.returncode is None:
                process.kill()
                await process.wait()
        log.close()


async def _world(settings: Settings) -> dict[str, Any]:
    """A room with a published plan: Alice coordinates, Bob speaks for AB Botkyrkabyggen. Each
    has a login session (the login itself is tested through the proxy with Erik)."""
    app = create_app(settings)
    try:
        async with session_factory(app.state.portal.engine)() as db:
            made = await room_with_a_plan(db, app)
            world: dict[str, Any] = {
                "room": made.room_id,
                "plan": made.plan_id,
                "section": made.section_id,
            }
            for who, persona in (("alice", made.alice), ("bob", made.bob)):
                token = await sessions.create(
                    db, person_id=persona.id, id_token=None, settings=settings
                )
                await db.commit()
                active = await sessions.load(db, token, settings)
                assert active is not None
                world[who] = (token, active.csrf_token)
            return world
    finally:
        await app.state.portal.engine.dispose()


async def _comment_events(
    deployment: Deployment, cookie: str, path: str, started: asyncio.Event, wanted: int
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with (
        httpx.AsyncClient(verify=deployment.tls, timeout=30) as client,
        client.stream("GET", deployment.base_url + path, headers={"Cookie": cookie}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("retry:"):
                started.set()
            if line.startswith("data:"):
                events.append(json.loads(line.removeprefix("data:")))
                if len(events) == wanted:
                    break
    return events


async def test_behind_nginx_two_processes_share_logins_live_events_limits_and_files(
    tmp_path: Path, deploy_database: str
) -> None:
    users = {"erik-sub": {"name": "Erik Öberg", "email": "erik@botkyrkabyggen.se"}}
    # The limits' keys are per base URL (its port is this test's own): no other run shares them.
    redis_url = os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379/0")
    with running_provider(users) as provider:
        async with deployed(tmp_path, deploy_database, provider.issuer, redis_url) as deployment:
            settings = deployment.settings
            world = await _world(settings)
            cookie_of = {
                who: f"{cookie_name(settings)}={world[who][0]}" for who in ("alice", "bob")
            }

            # A person logs in through the proxy against the OpenID Provider.
            async with httpx.AsyncClient(
                base_url=deployment.base_url, verify=deployment.tls
            ) as browser:
                landed = await flow.log_in(browser, "erik-sub")
                home = await browser.get(landed.headers.get("location", "/"))

            # A reader on the plan (through the proxy: whichever process) gets the comments
            # posted directly to each process in turn: at least one crossed processes.
            plan = f"/rum/{world['room']}/planer/{world['plan']}"
            started = asyncio.Event()
            reading = asyncio.create_task(
                _comment_events(
                    deployment, cookie_of["alice"], f"{plan}/handelser", started, wanted=2
                )
            )
            await asyncio.wait_for(started.wait(), 20)
            posted = []
            for backend in deployment.backends:
                async with httpx.AsyncClient(base_url=backend) as direct:
                    posted.append(
                        await direct.post(
                            f"{plan}/avsnitt/{world['section']}/kommentarer",
                            data={"body": f"Från {backend}"},
                            headers={
                                "Cookie": cookie_of["bob"],
                                "X-CSRF-Token": world["bob"][1],
                                "Origin": backend,
                            },
                        )
                    )
            events = await asyncio.wait_for(reading, 20)

            # A file uploaded to one process downloads from the other, and through the proxy.
            async with httpx.AsyncClient(base_url=deployment.backends[0]) as first:
                uploaded = await first.post(
                    f"/rum/{world['room']}/filer",
                    data={"csrf_token": world["bob"][1], "classification": "internal"},
                    files=[("file", ("plan.pdf", files.PDF, "application/octet-stream"))],
                    headers={"Cookie": cookie_of["bob"], "Origin": deployment.backends[0]},
                )
            engine = create_engine(deploy_database)
            async with session_factory(engine)() as db:
                file_id = await db.scalar(sa.select(col(Attachment.id)))
            await engine.dispose()
            async with httpx.AsyncClient(base_url=deployment.backends[1]) as second:
                from_second = await second.get(
                    f"/rum/{world['room']}/filer/{file_id}", headers={"Cookie": cookie_of["alice"]}
                )
            async with httpx.AsyncClient(verify=deployment.tls) as proxied:
                through_proxy = await proxied.get(
                    f"{deployment.base_url}/rum/{world['room']}/filer/{file_id}",
                    headers={"Cookie": cookie_of["alice"]},
                )
                static = await proxied.get(f"{deployment.base_url}/static/css/portal.css?v=1")

            # The login limit (20 a minute per client address) counts across both processes:
            # the login above was one of them.
            async with httpx.AsyncClient(verify=deployment.tls) as someone:
                answers = [
                    (await someone.get(f"{deployment.base_url}/auth/login")).status_code
                    for _ in range(21)
                ]

    assert landed.status_code == 303, landed.text
    assert "Erik Öberg" in home.text
    assert [response.status_code for response in posted] == [303, 303]
    assert [event["topic"] for event in events] == [f"plan:{world['plan']}"] * 2
    assert uploaded.status_code == 303, uploaded.text
    assert from_second.status_code == 200
    assert from_second.content == files.PDF
    assert through_proxy.content == files.PDF
    assert static.status_code == 200
    assert static.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answers[:19] == [302] * 19
    assert answers[19:] == [429, 429]
