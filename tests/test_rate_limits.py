"""Rate limits shared by every process through Redis (PORTAL_REDIS_URL), or counted in each
process without it; and what happens when Redis does not answer.

Two ``create_app`` on the same settings stand for two processes of one portal. The Redis is the
real one on 127.0.0.1:6379 (``PORTAL_TEST_REDIS`` names another; tasks.py starts one). Each test
gets a base URL of its own, so keys of its own: the portal's keys are named after the base URL's
host (two portals may share one Redis)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.app import create_app
from partner_portal.auth.models import PortalRole
from partner_portal.followup.api import API_REQUESTS_PER_MINUTE
from partner_portal.platform.errors import TooManyRequests
from partner_portal.platform.settings import Settings, SettingsError, load_settings, replace
from tests.followup_api.conftest import bearer, issue_token
from tests.helpers import Persona, make_person

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS", "redis://127.0.0.1:6379/0")
LOGIN_LIMIT = 20  # login starts per client address a minute


def own_portal(settings: Settings, **changes: object) -> Settings:
    """The settings of a portal of its own (a base URL no other test uses)."""
    host = f"pp-{uuid.uuid4().hex[:12]}.test"
    return replace(settings, base_url=f"http://{host}", allowed_hosts=(host,), **changes)


@contextlib.asynccontextmanager
async def processes(settings: Settings, count: int = 2) -> AsyncIterator[list[httpx.AsyncClient]]:
    """``count`` instances of the portal on the same settings, a client for each."""
    apps = [create_app(settings) for _ in range(count)]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url)
        for app in apps
    ]
    try:
        yield clients
    finally:
        for client, app in zip(clients, apps, strict=True):
            await client.aclose()
            await app.state.portal.rate_limits.close()
            await app.state.portal.engine.dispose()


async def start_logins(client: httpx.AsyncClient, count: int) -> list[int]:
    return [(await client.get("/auth/login")).status_code for _ in range(count)]


# --- the setting -------------------------------------------------------------------------


def test_without_redis_the_limits_are_counted_in_each_process(tmp_path: Path) -> None:
    assert load_settings({"PORTAL_DATA_DIR": str(tmp_path)}).redis_url == ""


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379", "127.0.0.1:6379", "redis://", "redis://h:port/0"]
)
def test_a_redis_url_that_is_no_redis_url_is_named_without_repeating_it(
    tmp_path: Path, url: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_REDIS_URL": url})

    assert raised.value.problems == [
        "PORTAL_REDIS_URL must be redis://host:port/db or rediss://host:port/db (TLS)."
    ]


# --- shared through Redis ----------------------------------------------------------------


async def test_two_processes_share_one_login_limit_through_redis(
    login_settings: Settings,
) -> None:
    settings = own_portal(login_settings, redis_url=REDIS_URL)
    async with processes(settings) as (first, second):
        assert await start_logins(first, LOGIN_LIMIT // 2) == [302] * (LOGIN_LIMIT // 2)
        assert await start_logins(second, LOGIN_LIMIT // 2) == [302] * (LOGIN_LIMIT // 2)

        refused = await first.get("/auth/login")
        also_refused = await second.get("/auth/login")

    for response in (refused, also_refused):
        assert response.status_code == 429
        assert "För många försök" in response.text
        assert 1 <= int(response.headers["retry-after"]) <= 61


async def test_without_redis_each_process_counts_alone(login_settings: Settings) -> None:
    async with processes(own_portal(login_settings)) as (first, second):
        assert await start_logins(first, LOGIN_LIMIT) == [302] * LOGIN_LIMIT
        assert (await first.get("/auth/login")).status_code == 429

        assert (await second.get("/auth/login")).status_code == 302


async def test_two_portals_on_one_redis_count_apart(login_settings: Settings) -> None:
    one = own_portal(login_settings, redis_url=REDIS_URL)
    another = own_portal(login_settings, redis_url=REDIS_URL)
    async with processes(one, 1) as (first,), processes(another, 1) as (second,):
        assert await start_logins(first, LOGIN_LIMIT + 1) == [302] * LOGIN_LIMIT + [429]

        assert (await second.get("/auth/login")).status_code == 302


async def test_the_api_limit_is_shared_through_redis(
    settings: Settings, db: AsyncSession, alice: Persona
) -> None:
    reader = await make_person(db, "Dora Dahlberg", roles=(PortalRole.FOLLOWUP_READER,))
    token = await issue_token(db, alice, reader)
    half = API_REQUESTS_PER_MINUTE // 2
    async with processes(own_portal(settings, redis_url=REDIS_URL)) as (first, second):
        for client in (first, second):
            for _ in range(half):
                assert (await client.get("/api/v1/matrix", headers=bearer(token))).is_success

        refused = await first.get("/api/v1/matrix", headers=bearer(token))

    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert "För många anrop" in refused.json()["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 61


async def test_the_upload_limit_per_person_is_shared_through_redis(app: Starlette) -> None:
    """The web layer hits the upload limiter before reading a form with files
    (tests/attachments/test_uploads.py); here: that limiter counts in Redis."""
    settings = own_portal(app.state.portal.settings, redis_url=REDIS_URL)
    first, second = create_app(settings), create_app(settings)
    try:
        limiters = [a.state.portal.upload_limiter for a in (first, second)]
        for n in range(limiters[0].limit):
            await limiters[n % 2].hit("7")

        with pytest.raises(TooManyRequests) as refused:
            await limiters[1].hit("7")
        await limiters[0].hit("8")  # another person's own count
    finally:
        for each in (first, second):
            await each.state.portal.rate_limits.close()
            await each.state.portal.engine.dispose()

    assert 1 <= refused.value.retry_after <= 3601


# --- Redis away --------------------------------------------------------------------------


async def test_while_redis_does_not_answer_each_process_counts_alone(
    login_settings: Settings, unused_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    away = f"redis://127.0.0.1:{unused_port}/0"
    with caplog.at_level(logging.WARNING, logger="partner_portal.platform.ratelimit"):
        async with processes(own_portal(login_settings, redis_url=away)) as (first, second):
            assert await start_logins(first, LOGIN_LIMIT + 1) == [302] * LOGIN_LIMIT + [429]
            assert (await second.get("/auth/login")).status_code == 302

    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2  # once for each process, not once a request
    assert all(w.startswith("rate limits: Redis does not answer") for w in warnings)


async def test_a_redis_that_hangs_delays_one_request_by_half_a_second(
    login_settings: Settings,
) -> None:
    with socket.socket() as silent:  # takes connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hanging = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        async with processes(own_portal(login_settings, redis_url=hanging), 1) as (client,):
            started = time.monotonic()
            statuses = await start_logins(client, 10)
            elapsed = time.monotonic() - started

    assert statuses == [302] * 10
    # One wait of 0.5 s, then Redis is asked again only after 10 s (not 10 waits: 5 s).
    assert elapsed < 4


async def test_readyz_reports_redis_when_configured(settings: Settings, unused_port: int) -> None:
    answering = own_portal(settings, redis_url=REDIS_URL)
    away = own_portal(settings, redis_url=f"redis://127.0.0.1:{unused_port}/0")
    async with processes(answering, 1) as (up,), processes(away, 1) as (down,):
        ready, degraded = await up.get("/readyz"), await down.get("/readyz")

    assert (ready.status_code, ready.json()["rate_limits"]) == (200, "redis")
    # Still ready: the portal serves on, counting its limits in each process meanwhile.
    assert degraded.status_code == 200
    assert degraded.json()["rate_limits"] == "in-process: redis does not answer"
